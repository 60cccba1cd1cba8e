/** The one command table, assembled from every group module. */
import { bitmapCommands } from './bitmaps.js';
import { connectionCommands } from './connection.js';
import { introspectionCommands } from './introspection.js';
import { keyCommands } from './keys.js';
import { serverCommands } from './server.js';
import { stringCommands } from './strings.js';
import { buildTable } from './table.js';

export const COMMAND_TABLE = buildTable([
  ...stringCommands,
  ...bitmapCommands,
  ...keyCommands,
  ...connectionCommands,
  ...serverCommands,
  ...introspectionCommands,
]);
