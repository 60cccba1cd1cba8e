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
  decrementOverflow: 'ERR decrement would overflow',
  offsetOutOfRange: 'ERR offset is out of range',
  lcsNotStrings: 'ERR The specified keys must contain string values',
  lcsIdxAndLen: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsTooBig: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  lcsAllocFailed: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  bitArgument: 'ERR The bit argument must be 1 or 0.',
  bitopNot: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType:
    'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflow: 'ERR Invalid OVERFLOW type specified',
  bitfieldReadOnly: 'ERR BITFIELD_RO only supports the GET subcommand',
  invalidCursor: 'ERR invalid cursor',
  unsupportedOption: (opt: string) => `ERR Unsupported option ${opt}`,
  expireNxIncompatible: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtLtIncompatible: 'ERR GT and LT options at the same time are not compatible',
  invalidFirstDbIndex: 'ERR invalid first DB index',
  invalidSecondDbIndex: 'ERR invalid second DB index',
  outOfRangeBetween: (min: string, max: string) =>
    `ERR value is out of range, value must between ${min} and ${max}`,
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  idleNotTracked: 'ERR idle time is not tracked (set track-access-time yes, or an LRU maxmemory-policy)',
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
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  helloSyntax: (opt: string) => `ERR Syntax error in HELLO option '${opt}'`,
  protocolVersionNotInteger: 'ERR Protocol version is not an integer or out of range',
  maxClients: 'ERR max number of clients reached',
  protectedMode:
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.",
  invalidClientId: 'ERR Invalid client ID',
  clientIdPositive: 'ERR client-id should be greater than 0',
  unknownClientType: (type: string) => `ERR Unknown client type '${type}'`,
  noSuchClient: 'ERR No such client',
  noSuchUser: (user: string) => `ERR No such user '${user}'`,
  invalidCommandSpecified: 'ERR Invalid command specified',
  invalidCommandArgCount: 'ERR Invalid number of arguments specified for command',
  invalidCommandArgs: 'ERR Invalid arguments specified for command',
  commandHasNoKeys: 'ERR The command has no key arguments',
  selectNotAllowed: 'ERR SELECT is not allowed in cluster mode',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  notImplementedHere: (what: string) => `ERR ${what} is not supported by Cachee`,
  protocol: (detail: string) => `ERR Protocol error: ${detail}`,
  zaddNxXx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrPair: 'ERR INCR option supports a single increment-element pair',
  zsetScoreNaN: 'ERR resulting score is not a number (NaN)',
  zsetMinMaxNotFloat: 'ERR min or max is not a float',
  zsetMinMaxNotLex: 'ERR min or max not valid string range item',
  zsetOpNoKeys: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  zsetWeightNotFloat: 'ERR weight value is not a float',
  zrangeLimitNeedsBy: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeWithScoresByLex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  mustBePositive: 'ERR value is out of range, must be positive',
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  numkeysPositive: 'ERR numkeys should be greater than 0',
  countPositive: 'ERR count should be greater than 0',
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  nanOrInfinity: 'ERR value is NaN or Infinity',
  valueOutOfRange: 'ERR value is out of range',
  numkeysExceedArgs: "ERR Number of keys can't be greater than number of args",
  limitNegative: "ERR LIMIT can't be negative",
  protoInvalidMultibulkLen: 'ERR Protocol error: invalid multibulk length',
  protoUnauthMultibulkLen: 'ERR Protocol error: unauthenticated multibulk length',
  protoExpectedDollar: (got: string) => `ERR Protocol error: expected '$', got '${got}'`,
  protoInvalidBulkLen: 'ERR Protocol error: invalid bulk length',
  protoUnauthBulkLen: 'ERR Protocol error: unauthenticated bulk length',
  protoTooBigInline: 'ERR Protocol error: too big inline request',
  protoTooBigMbulkCount: 'ERR Protocol error: too big mbulk count string',
  protoTooBigBulkCount: 'ERR Protocol error: too big bulk count string',
  protoUnbalancedQuotes: 'ERR Protocol error: unbalanced quotes in request',
} as const;

/** Throws `ERR syntax error`. */
export function syntaxError(): never {
  throw new ReplyError(Err.syntax);
}

/** Throws the WRONGTYPE error. */
export function wrongType(): never {
  throw new ReplyError(Err.wrongType);
}
