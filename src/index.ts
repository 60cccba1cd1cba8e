/**
 * Cachee: a Redis-compatible cache engine that runs inside a Node.js process.
 * @packageDocumentation
 */
export type { CallArg, CommandArg } from './client/arguments.js';
export { Cachee, type CacheeOptions } from './client/cachee.js';
export type { IoredisValue } from './client/ioredis-shape.js';
export type { Multi } from './client/multi.js';
export { type Clock, ManualClock, systemClock } from './engine/clock.js';
export { Engine, type EngineOptions, EVICTED_CHANNEL } from './engine/engine.js';
export { ReplyError } from './errors.js';
export { getNotifyKeyspaceEvents, setNotifyKeyspaceEvents } from './pubsub/keyspace-events.js';
export { type MessageHandler, type PatternMessageHandler, PUBSUB_CHANNEL } from './pubsub/subscribers.js';
export { configureScripting, type ScriptingOptions } from './scripting/scripting.js';
export {
  CacheeServer,
  type CacheeServerOptions,
  SERVER_CHANNEL,
  type ServerAddress,
} from './server/server.js';
export type { RedisValue } from './util/bytes.js';
