/**
 * Python's `redis` package (Debian's python3-redis) against Cachee's RESP
 * server: a small script run as a child process does set/get/incr, a
 * pipeline, a transaction (MULTI/EXEC, and WATCH through `transaction()`),
 * pub/sub across two connections, and prints what it saw as JSON.
 */
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, startServer } from '../server/helpers.js';

/** A Python interpreter that can `import redis` (Debian's /usr/bin/python3 first), or null. */
function findPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import redis'], { stdio: 'ignore' });
      return py;
    } catch {
      // try the next one
    }
  }
  return null;
}

const python = findPython();

const SCRIPT = String.raw`
import json, sys, time, redis

port = int(sys.argv[1])
out = {}
r = redis.Redis(host='127.0.0.1', port=port, db=2, client_name='py-client', socket_timeout=5)
out['ping'] = r.ping()
out['name'] = r.client_getname()
out['set'] = r.set('py:k', 'v\x00\xff'.encode('latin1'))
out['get'] = list(r.get('py:k'))
out['incr'] = [r.incr('py:n'), r.incrby('py:n', 41), r.decr('py:n')]
out['incrbyfloat'] = r.incrbyfloat('py:f', 0.1)
out['missing'] = r.get('py:none')
out['mget'] = [x and x.decode() for x in r.mget('py:n', 'py:none')]
out['hash'] = {k.decode(): v.decode() for k, v in (r.hset('py:h', mapping={'a': '1', 'b': '2'}) and r.hgetall('py:h')).items()}
out['zrange'] = [[m.decode(), s] for m, s in (r.zadd('py:z', {'x': 1.5, 'y': -1}) and r.zrange('py:z', 0, -1, withscores=True))]
out['expire'] = [r.setex('py:ttl', 100, 'x'), r.ttl('py:ttl')]
try:
    r.execute_command('NOSUCH')
except redis.ResponseError as e:
    out['unknown'] = str(e)

# Pipeline without a transaction: one round trip, replies in order, errors in place.
p = r.pipeline(transaction=False)
p.set('py:p', 1).incr('py:p').lpush('py:l', 'a', 'b').lrange('py:l', 0, -1).incr('py:l')
out['pipeline'] = [str(x) if isinstance(x, Exception) else x for x in p.execute(raise_on_error=False)]
out['pipeline'][3] = [x.decode() for x in out['pipeline'][3]]

# MULTI/EXEC.
t = r.pipeline(transaction=True)
t.set('py:t', 10).incr('py:t').get('py:t')
out['multi'] = [x.decode() if isinstance(x, bytes) else x for x in t.execute()]

# WATCH-based optimistic transaction, retried after a concurrent write.
other = redis.Redis(host='127.0.0.1', port=port, db=2)
attempts = []
def txn(pipe):
    v = int(pipe.get('py:t'))
    if not attempts:
        other.set('py:t', 100)
    attempts.append(v)
    pipe.multi()
    pipe.set('py:t', v + 1)
r.transaction(txn, 'py:t')
out['watch'] = {'attempts': attempts, 'final': int(r.get('py:t'))}

# Pub/Sub: subscribe on one connection, publish on another.
ps = r.pubsub()
ps.subscribe('py:ch')
ps.psubscribe('py:p*')
confirms = [ps.get_message(timeout=2) for _ in range(2)]
out['confirms'] = [(m['type'], m['channel'].decode(), m['data']) for m in confirms]
out['published'] = other.publish('py:ch', 'hello')
out['published_pattern'] = other.publish('py:pat', b'\xffbin')
msgs = []
deadline = time.time() + 5
while len(msgs) < 2 and time.time() < deadline:
    m = ps.get_message(timeout=1)
    if m:
        msgs.append((m['type'], m['channel'].decode(), m['data'].decode('latin1'), m['pattern'] and m['pattern'].decode()))
out['messages'] = msgs
ps.unsubscribe('py:ch')
ps.punsubscribe('py:p*')
ps.close()
print(json.dumps(out))
`;

let s: Started;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

function runPython(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(python!, ['-c', SCRIPT, String(port)], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

describe('python redis (redis-py)', () => {
  it('set/get/incr, pipeline, transaction, pub/sub', async (ctx) => {
    if (python === null) {
      ctx.skip('no python3 with the redis package (Debian: apt-get install python3-redis)');
      return;
    }
    const out = await runPython(s.port);
    expect(out).toEqual({
      ping: true,
      name: 'py-client',
      set: true,
      get: [118, 0, 255],
      incr: [1, 42, 41],
      incrbyfloat: 0.1,
      missing: null,
      mget: ['41', null],
      hash: { a: '1', b: '2' },
      zrange: [
        ['y', -1],
        ['x', 1.5],
      ],
      expire: [true, 100],
      unknown: "unknown command 'NOSUCH', with args beginning with: ",
      pipeline: [true, 2, 2, ['b', 'a'], 'WRONGTYPE Operation against a key holding the wrong kind of value'],
      multi: [true, 11, '11'],
      watch: { attempts: [11, 100], final: 101 },
      confirms: [
        ['subscribe', 'py:ch', 1],
        ['psubscribe', 'py:p*', 2],
      ],
      published: 1,
      published_pattern: 1,
      messages: [
        ['message', 'py:ch', 'hello', null],
        ['pmessage', 'py:pat', '\u00ffbin', 'py:p*'],
      ],
    });
    // It used database 2, where its keys are.
    expect(s.engine.dbs[2].data.has('py:k')).toBe(true);
  });
});
