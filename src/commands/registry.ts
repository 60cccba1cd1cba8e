/** The one command table, assembled from every group module. */
import { bitmapCommands } from './bitmaps.js';
import { blockingListCommands } from './blocking.js';
import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import { debugCommands } from './debug.js';
import { hashCommands } from './hashes.js';
import { introspectionCommands } from './introspection.js';
import { keyCommands } from './keys.js';
import { latencyCommands } from './latency.js';
import { listCommands } from './lists.js';
import { memoryCommands } from './memory.js';
import { monitorCommands } from './monitor.js';
import { opsCommands } from './ops.js';
import { pubsubCommands } from './pubsub.js';
import { scriptingCommands } from './scripting.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { slowlogCommands } from './slowlog.js';
import { sortCommands } from './sort.js';
import { stringCommands } from './strings.js';
import { buildTable } from './table.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zsets.js';

export const COMMAND_TABLE = buildTable([
  ...stringCommands,
  ...bitmapCommands,
  ...keyCommands,
  ...listCommands,
  ...blockingListCommands,
  ...hashCommands,
  ...setCommands,
  ...sortCommands,
  ...zsetCommands,
  ...pubsubCommands,
  ...scriptingCommands,
  ...transactionCommands,
  ...connectionCommands,
  ...serverCommands,
  ...introspectionCommands,
  ...configCommands,
  ...slowlogCommands,
  ...latencyCommands,
  ...memoryCommands,
  ...monitorCommands,
  ...debugCommands,
  ...opsCommands,
]);
