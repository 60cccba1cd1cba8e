import type { CommandDef } from './types.js';

export const bitmapCommands: CommandDef[] = [];
