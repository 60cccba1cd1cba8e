/**
 * Every error text Cachee replies with, in one place, spelled exactly as Redis 7
 * spells it (`shared.*` and the literal `addReplyError*` texts in Redis's source).
 * Texts include their code prefix (`ERR`, `WRONGTYPE`, ...), as they go on the wire.
 */

/** An error reply: thrown by handlers and ops, or carried as a value inside an array reply (EXEC). */
export class ReplyError extends Error {
  override name = 'ReplyError';
  /**
   * The exact bytes after '-' when they are not the UTF-8 of `message`: texts that quote
   * client bytes which are not valid UTF-8 (`unknown command '\xff'`). Usually undefined.
   */
  readonly raw: Buffer | undefined;
  constructor(message: string, raw?: Buffer) {
    super(message);
    this.raw = raw;
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
  unknownSubcommand: (sub: string, cmd: string) => `ERR unknown subcommand '${sub}'. Try ${cmd} HELP.`,
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  noAuth: 'NOAUTH Authentication required.',
  multiNested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInsideMulti: 'ERR WATCH inside MULTI is not allowed',
  notAllowedInMulti: 'ERR Command not allowed inside a transaction',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  /** EXEC itself rejected (arity, NOAUTH, OOM...): `reason` is the rejection without an `ERR ` code. */
  execAbortBecause: (reason: string) => `EXECABORT Transaction discarded because of: ${reason}`,
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
  sortScoresNotDouble: "ERR One or more scores can't be converted into double",
  protoInvalidMultibulkLen: 'ERR Protocol error: invalid multibulk length',
  protoUnauthMultibulkLen: 'ERR Protocol error: unauthenticated multibulk length',
  protoExpectedDollar: (got: string) => `ERR Protocol error: expected '$', got '${got}'`,
  protoInvalidBulkLen: 'ERR Protocol error: invalid bulk length',
  protoUnauthBulkLen: 'ERR Protocol error: unauthenticated bulk length',
  protoTooBigInline: 'ERR Protocol error: too big inline request',
  protoTooBigMbulkCount: 'ERR Protocol error: too big mbulk count string',
  protoTooBigBulkCount: 'ERR Protocol error: too big bulk count string',
  protoUnbalancedQuotes: 'ERR Protocol error: unbalanced quotes in request',
  subscribedMode: (cmd: string) =>
    `ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  denyBlocking: (cmd: string) => `ERR ${cmd} isn't allowed for a DENY BLOCKING client`,
  subcommandSyntax: (sub: string, cmd: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${cmd} HELP.`,
  configSetUnknown: (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  configSetFailed: (name: string, reason: string) =>
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`,
  noConfigFile: 'ERR The server is running without a config file',
  configRewriteFailed: (reason: string) => `ERR Rewriting config file: ${reason}`,
  slowlogCount: 'ERR count should be greater than or equal to -1',
  noLatencySamples: (event: string) => `ERR No samples available for event '${event}'`,
  debugNotAllowed:
    'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  timeoutNotInteger: 'ERR timeout is not an integer or out of range',
  timeoutNegative: 'ERR timeout is negative',
  pauseMode: 'ERR CLIENT PAUSE mode must be WRITE or ALL',
  unblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  unblocked: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',
  noShutdownInProgress: 'ERR No shutdown in progress.',
  shutdownFailed: 'ERR Errors trying to SHUTDOWN. Check logs.',
  shutdownDenyBlocking: "ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client",
  // Scripting (eval.c, script.c, script_lua.c, functions.c, function_lua.c).
  numkeysNegative: "ERR Number of keys can't be negative",
  badNumberOfKeys: 'ERR Bad number of keys provided',
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  busyScript: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  notBusy: 'NOTBUSY No scripts in execution right now.',
  scriptFlushOption: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option',
  scriptDebugOption: 'ERR Use SCRIPT DEBUG YES/SYNC/NO',
  roWithWriteFlag: 'ERR Can not execute a script with write flag using *_ro command.',
  invalidShebang: 'ERR Invalid script shebang',
  invalidShebangEngine: 'ERR Invalid engine in script shebang',
  shebangEngine: (engine: string) => `ERR Unexpected engine in script shebang: ${engine}`,
  shebangOption: (option: string) => `ERR Unknown lua shebang option: ${option}`,
  shebangFlag: (flag: string) => `ERR Unexpected flag in script shebang: ${flag}`,
  scriptCompile: (message: string) => `ERR Error compiling script (new function): ${message}`,
  scriptRun: (name: string, message: string) => `ERR Error running script ${name}, ${message}`,
  scriptUnknownError: 'ERR unknown error',
  scriptTimeout: (ms: number) =>
    `ERR Script killed after running longer than the time limit of ${ms} ms (busy-reply-threshold)`,
  luaStackLimit: 'ERR reached lua stack limit',
  luaNoArgs: 'ERR Please specify at least one argument for this redis lib call',
  luaArgType: 'ERR Lua redis lib command arguments must be strings or integers',
  luaUnknownCommand: 'ERR Unknown Redis command called from script',
  luaWrongArity: 'ERR Wrong number of args calling Redis command from script',
  luaNoScriptCommand: 'ERR This Redis command is not allowed from script',
  luaReadOnly: 'ERR Write commands are not allowed from read-only scripts.',
  luaOutsideScript: (what: string) => `ERR ${what} can only be called inside a script invocation`,
  luaWrongArgs: 'ERR wrong number of arguments',
  luaWrongArgsOrType: 'ERR wrong number or type of arguments',
  luaLogArgs: 'ERR redis.log() requires two arguments or more.',
  luaLogLevelType: 'ERR First argument must be a number (log level).',
  luaLogLevel: 'ERR Invalid debug level.',
  luaSetrespArgs: 'ERR redis.setresp() requires one argument.',
  luaSetrespVersion: 'ERR RESP version must be 2 or 3.',
  luaSetReplArgs: 'ERR redis.set_repl() requires two arguments.',
  luaSetReplFlags: 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.',
  luaAclCheckCommand: 'ERR Invalid command passed to redis.acl_check_cmd()',
  registerOutsideLoad: 'ERR redis.register_function can only be called on FUNCTION LOAD command',
  registerArgCount: 'ERR wrong number of arguments to redis.register_function',
  registerSingleArg:
    'ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).',
  registerKeyType: 'ERR named argument key given to redis.register_function is not a string',
  registerNameType: 'ERR function_name argument given to redis.register_function must be a string',
  registerDescriptionType: 'ERR description argument given to redis.register_function must be a string',
  registerCallbackType: 'ERR callback argument given to redis.register_function must be a function',
  registerFlagsType:
    'ERR flags argument to redis.register_function must be a table representing function flags',
  registerUnknownFlag: 'ERR unknown flag given',
  registerUnknownArg: 'ERR unknown argument given to redis.register_function',
  registerNoName: 'ERR redis.register_function must get a function name argument',
  registerNoCallback: 'ERR redis.register_function must get a callback argument',
  registerFirstArg: 'ERR first argument to redis.register_function must be a string',
  registerSecondArg: 'ERR second argument to redis.register_function must be a function',
  registerDuplicate: 'ERR Function already exists in the library',
  functionNameRule:
    'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
  functionLoadTimeout: 'ERR FUNCTION LOAD timeout',
  functionNotFound: 'ERR Function not found',
  libraryNotFound: 'ERR Library not found',
  libraryExists: (name: string) => `ERR Library '${name}' already exists`,
  functionExists: (name: string) => `ERR Function ${name} already exists`,
  noFunctionsRegistered: 'ERR No functions registered',
  missingLibraryMetadata: 'ERR Missing library metadata',
  invalidLibraryMetadata: 'ERR Invalid library metadata',
  libraryNameTwice: 'ERR Invalid metadata value, name argument was given multiple times',
  libraryMetadataValue: (part: string) => `ERR Invalid metadata value given: ${part}`,
  libraryNameMissing: 'ERR Library name was not given',
  engineNotFound: (engine: string) => `ERR Engine '${engine}' not found`,
  functionCompile: (message: string) => `ERR Error compiling function: ${message}`,
  functionRegister: (message: string) => `ERR Error registering functions: ${message}`,
  functionLoadOption: (option: string) => `ERR Unknown option given: ${option}`,
  functionListNameMissing: 'ERR library name argument was not given',
  functionListArg: (arg: string) => `ERR Unknown argument ${arg}`,
  functionFlushOption: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option',
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",
  replicaKeyspace: "ERR Replica can't interact with the keyspace",
} as const;

/** Throws `ERR syntax error`. */
export function syntaxError(): never {
  throw new ReplyError(Err.syntax);
}

/** Throws the WRONGTYPE error. */
export function wrongType(): never {
  throw new ReplyError(Err.wrongType);
}
