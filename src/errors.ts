/**
 * Every error text Cachee replies with, in one place, spelled exactly as Redis 7
 * spells it (`shared.*` and the literal `addReplyError*` texts in Redis's source).
 * Texts include their code prefix (`ERR`, `WRONGTYPE`, ...), as they go on the wire.
 */

/** An error reply: thrown by handlers and ops, or carried as a value inside an array reply (EXEC). */
export class ReplyError extends Error {
  override name = 'ReplyError';
  constructor(message: string) {
    super(message);
  }
}

export const Err = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  incrFloatNaN: 'ERR increment would produce NaN or Infinity',
  noSuchKey: 'ERR no such key',
  outOfRangeIndex: 'ERR index out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidDbIndex: 'ERR invalid DB index',
  sameObject: 'ERR source and destination objects are the same',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  invalidCursor: 'ERR invalid cursor',
  timeout: 'ERR timeout is not a float or out of range',
  unknownCommand: (name: string, args: string) =>
    `ERR unknown command '${name}', with args beginning with: ${args}`,
  unknownSubcommand: (sub: string, cmd: string) =>
    `ERR unknown subcommand '${sub}'. Try ${cmd} HELP.`,
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNotConfigured:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  protocolVersion: 'NOPROTO unsupported protocol version',
  clientNameSpaces: 'ERR Client names cannot contain spaces, newlines or special characters.',
  selectNotAllowed: 'ERR SELECT is not allowed in cluster mode',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  notImplementedHere: (what: string) => `ERR ${what} is not supported by Cachee`,
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
} as const;

/** Throws `ERR syntax error`. */
export function syntaxError(): never {
  throw new ReplyError(Err.syntax);
}

/** Throws the WRONGTYPE error. */
export function wrongType(): never {
  throw new ReplyError(Err.wrongType);
}
