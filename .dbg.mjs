const {CacheeServer}=await import('/work/main/dist/server/server.js');
const {Engine}=await import('/work/main/dist/engine/engine.js');
const { createClient } = await import('redis');
const port = process.argv[2] ? Number(process.argv[2]) : (await new CacheeServer(new Engine(),{port:0}).listen()).port;
const step = async (n, p) => { const t = setTimeout(()=>console.log('STALL', n), 1000); try { console.log(n, await p); } catch (e) { console.log(n, 'ERR', e.message); } clearTimeout(t); };
for (const RESP of [2,3]) {
const pub = createClient({ socket: { port }, RESP }); await pub.connect();
const sub = pub.duplicate(); await sub.connect();
await step('sub', sub.subscribe('ch', (m,c)=>console.log('msg',c,m)));
await step('psub', sub.pSubscribe('p*', (m,c)=>console.log('pmsg',c,m)));
await step('subbin', sub.subscribe('bin', (m)=>console.log('bin',m), true));
await step('pub', pub.publish('ch', 'hello'));
await step('numsub', pub.pubSubNumSub(['ch']));
await step('unsub', sub.unsubscribe(['ch','bin']));
await step('punsub', sub.pUnsubscribe('p*'));
sub.destroy(); pub.destroy();
}
process.exit(0);
