import '../../src/commands/registry.js';
import { it } from 'vitest';
import { DiffPair, show } from './harness.js';

it('scratch', async () => {
  const pair = await DiffPair.open(23456, 2);
  const cmds: string[][] = [
    ['CONFIG', 'GET', 'maxmemory'],
    ['CONFIG', 'GET', 'PORT'],
    ['CONFIG', 'SET', 'maxmemory', '1x'],
    ['CONFIG', 'SET', 'foo', 'bar'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'foo'],
    ['CONFIG', 'SET', 'databases', '4'],
    ['CONFIG', 'SET', 'maxmemory', '1', 'MAXMEMORY', '2'],
    ['CONFIG', 'SET', 'lua-time-limit', 'abc'],
    ['CONFIG', 'SET', 'hz', '600'],
    ['CONFIG', 'GET', 'hz'],
    ['CONFIG', 'SET', 'hz', '10'],
    ['CONFIG', 'GET', 'client-output-buffer-limit'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1 2'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'master 1 2 3'],
    ['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1x 2 3'],
    ['CONFIG', 'HELP'],
    ['SLOWLOG', 'HELP'],
    ['LATENCY', 'HELP'],
    ['MEMORY', 'HELP'],
    ['SLOWLOG', 'GET', 'x'],
    ['SLOWLOG', 'GET', '1', '2'],
    ['LATENCY', 'LATEST'],
    ['LATENCY', 'DOCTOR'],
    ['MEMORY', 'USAGE', 'nokey'],
    ['MEMORY', 'MALLOC-STATS'],
    ['DEBUG', 'HELP'],
    ['WAIT', '0', '0'],
    ['RESET'],
    ['CLIENT', 'NO-TOUCH', 'on'],
    ['CLIENT', 'PAUSE', '10', 'foo'],
    ['CLIENT', 'PAUSE', 'abc'],
    ['CLIENT', 'UNBLOCK', '1', 'foo'],
    ['CLIENT', 'UNBLOCK', 'abc'],
    ['CLIENT', 'HELP'],
    ['SHUTDOWN', 'ABORT'],
    ['SHUTDOWN', 'foo'],
  ];
  for (const c of cmds) {
    const { redis, cachee } = await pair.both(c);
    console.log(redis.equals(cachee) ? 'SAME' : 'DIFF', c.join(' '), redis.equals(cachee) ? '' : `\n  r: ${show(redis).slice(0, 400)}\n  c: ${show(cachee).slice(0, 400)}`);
  }
  await pair.close();
});
