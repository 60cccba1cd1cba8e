/**
 * The options of `cachee/ioredis`'s client, read as ioredis reads its constructor
 * arguments (`(port?, host?, options?)`, `(url, options?)`, `(options)`), and the
 * engines of clients created without one: one per address, so clients of the
 * same "server" share a keyspace.
 */

import { Engine } from '../engine/engine.js';
import type { Cachee } from './cachee.js';
import { isInt } from './ioredis-reply.js';

/** A Lua script for `defineCommand`, as ioredis takes it. */
export interface ScriptDefinition {
  lua: string;
  /** Keys each call passes first; without it the first argument of each call is the number of keys. */
  numberOfKeys?: number;
  /** Accepted for ioredis compatibility (ioredis uses it only to route reads in a cluster). */
  readOnly?: boolean;
}

/** Options of the ioredis-compatible client: ioredis's that apply in process, plus where the keyspace is. */
export interface RedisOptions {
  /** The engine holding the keyspace. */
  engine?: Engine;
  /** Use this handle's engine (the client still has its own session: database, transaction). */
  cachee?: Cachee;
  /** With neither `engine` nor `cachee`, clients of the same address share an engine. Default 6379. */
  port?: number;
  /** Default 'localhost'. */
  host?: string;
  /** A Unix socket path: clients of the same path share an engine. */
  path?: string;
  /** The database to select on connect. Default 0. */
  db?: number;
  /** Prepended to every key of every command (found by the command's key specs, as ioredis does). */
  keyPrefix?: string;
  /** Do not connect until `connect()` or the first command. */
  lazyConnect?: boolean;
  /** Resolve integer replies as strings. */
  stringNumbers?: boolean;
  /** CLIENT SETNAME on connect. */
  connectionName?: string;
  /** Scripts to define at construction, as `defineCommand(name, definition)`. */
  scripts?: Record<string, ScriptDefinition>;
  /** Any other ioredis option is accepted and has no effect in process. */
  [option: string]: unknown;
}

/** A connection's state, as ioredis names them. */
export type RedisStatus = 'wait' | 'connecting' | 'connect' | 'ready' | 'close' | 'reconnecting' | 'end';

/** The engines of clients created without one, per address. */
const sharedEngines = new Map<string, Engine>();

/** The engine of clients given no engine: one per address (`host:port`, or the socket path). */
export function sharedEngine(options: RedisOptions): Engine {
  const address = options.path ?? `${options.host ?? 'localhost'}:${options.port ?? 6379}`;
  let engine = sharedEngines.get(address);
  if (engine === undefined) {
    engine = new Engine();
    sharedEngines.set(address, engine);
  }
  return engine;
}

/** ioredis's parseURL, for the parts that matter in process. */
function parseURL(url: string): RedisOptions {
  if (isInt(url)) return { port: Number(url) };
  if (url.startsWith('/')) return { path: url.split('?')[0] };
  const u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `redis://${url.replace(/^\/\//, '')}`);
  const out: RedisOptions = {};
  if (u.hostname) out.host = u.hostname;
  if (u.port) out.port = Number(u.port);
  if (u.pathname.length > 1) {
    const db = Number.parseInt(u.pathname.slice(1), 10);
    if (!Number.isNaN(db)) out.db = db;
  }
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  return out;
}

/** lodash's defaults: fills only the keys `target` lacks. */
function defaults(target: RedisOptions, source: RedisOptions): void {
  for (const key of Object.keys(source)) if (target[key] === undefined) target[key] = source[key];
}

/** Reads ioredis's constructor arguments: `(port?, host?, options?)`, `(url, options?)` or `(options)`. */
export function parseOptions(args: readonly unknown[]): RedisOptions {
  const options: RedisOptions = {};
  for (const arg of args) {
    if (arg === null || arg === undefined) continue;
    if (typeof arg === 'object') defaults(options, arg as RedisOptions);
    else if (typeof arg === 'string') defaults(options, parseURL(arg));
    else if (typeof arg === 'number') options.port = arg;
    else throw new Error(`Invalid argument ${String(arg)}`);
  }
  if (typeof options.port === 'string') options.port = Number.parseInt(options.port, 10);
  if (typeof options.db === 'string') options.db = Number.parseInt(options.db, 10);
  return options;
}
