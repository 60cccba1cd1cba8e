/** The one command table, assembled from every group module. */
import { bitmapCommands } from './bitmaps.js';
import { connectionCommands } from './connection.js';
import { hashCommands } from './hashes.js';
import { introspectionCommands } from './introspection.js';
import { keyCommands } from './keys.js';
import { listCommands } from './lists.js';
import { serverCommands } from './server.js';
import { setCommands } from './sets.js';
import { stringCommands } from './strings.js';
import { buildTable } from './table.js';

export const COMMAND_TABLE = buildTable([
  ...stringCommands,
  ...bitmapCommands,
  ...keyCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...connectionCommands,
  ...serverCommands,
  ...introspectionCommands,
]);
