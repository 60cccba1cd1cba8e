/** A value of Redis's RESP3 COMMAND reply kept with its shape, for re-emission (key specs). */
export type TaggedValue =
  | string
  | number
  | null
  | { t: 'status'; v: string }
  | { t: 'arr' | 'set' | 'map'; v: TaggedValue[] };

/** Facts about one command, as Redis 7.0's COMMAND INFO and COMMAND DOCS report them. */
export interface RedisCommandMeta {
  /** Lower-case name; subcommands are `container|sub`. */
  name: string;
  group: string;
  since: string;
  /** Redis arity: exact when positive, a minimum when negative; counts the name. */
  arity: number;
  flags: readonly string[];
  firstKey: number;
  lastKey: number;
  step: number;
  acl: readonly string[];
  tips: readonly string[];
  keySpecs: TaggedValue;
  subcommands: readonly RedisCommandMeta[];
}
