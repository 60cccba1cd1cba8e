import { it } from 'vitest';
import { Cachee } from '../../src/client/cachee.js';
it('dbg', () => {
  const c = new Cachee();
  console.log(c.eval('return 1 + 1', 0), c.eval("return redis.call('set', KEYS[1], 'x')", 1, 'k'), c.get('k'));
});
