/** Script flags: a shebang's `flags=` and register_function's `flags`, in Redis's order (script.c). */
export const SCRIPT_FLAGS = [
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
] as const;
/** Bit of `no-writes` (the first flag). */
export const FLAG_NO_WRITES = 1;
/** Bit of `allow-oom`. */
export const FLAG_ALLOW_OOM = 2;
