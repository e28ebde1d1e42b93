// node-redis against a 3-node RedisClone cluster, default settings but the protocol (node-redis 6 speaks RESP3, with
// HELLO 3, unless given `RESP: 2`). The data client talks to node 1, the subscriber to node 3.
import assert from 'node:assert/strict';
import { createClient, WatchError } from 'redis';
import { restart, run, step, waitFor } from './scenario.mjs';

run(async ({ ports, resp, prefix }) => {
  const k = (name) => `${prefix}:${name}`;
  const connect = async (port) => {
    const client = createClient({ socket: { host: '127.0.0.1', port }, RESP: resp });
    // node-redis needs an error listener; errors while a node restarts are expected and shown.
    client.on('error', (error) => console.log(`(node-redis error event on port ${port}: ${error.message})`));
    await client.connect();
    return client;
  };
  const clientInfo = async (client) => String(await client.sendCommand(['CLIENT', 'INFO']));
  const client = await connect(ports[0]);
  const subscriber = await connect(ports[2]);

  await step('connect', async () => {
    assert.equal(await client.ping(), 'PONG');
    const info = await clientInfo(client);
    assert.match(info, new RegExp(` resp=${resp} `));
    assert.match(info, / lib-name=node-redis /);
  });

  await step('strings with expiry', async () => {
    assert.equal(await client.set(k('greeting'), 'hello', { EX: 100 }), 'OK');
    assert.equal(await client.get(k('greeting')), 'hello');
    const ttl = await client.ttl(k('greeting'));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await client.expire(k('greeting'), 50), 1);
    assert.ok((await client.pTTL(k('greeting'))) <= 50_000);
    assert.equal(await client.persist(k('greeting')), 1);
    assert.equal(await client.ttl(k('greeting')), -1);
    assert.equal(await client.set(k('short'), 'x', { PX: 200 }), 'OK');
    assert.ok((await client.pTTL(k('short'))) > 0);
    await waitFor(async () => (await client.get(k('short'))) === null, 'the 200 ms key to expire', 5_000);
    assert.equal(String(await client.incrByFloat(k('float'), 1.5)), '1.5');
    assert.deepEqual(await client.mGet([k('greeting'), k('missing')]), ['hello', null]);
  });

  await step('pipeline', async () => {
    // Commands issued together are written as one pipeline; an explicit one too.
    const replies = await Promise.allSettled([
      ...Array.from({ length: 100 }, (_, i) => client.set(k(`p:${i}`), String(i))),
      client.incrBy(k('counter'), 5),
      client.get(k('p:42')),
      client.incr(k('greeting')),
    ]);
    assert.ok(replies.slice(0, 100).every((r) => r.status === 'fulfilled' && r.value === 'OK'));
    assert.deepEqual(replies.slice(100, 102).map((r) => r.value), [5, '42']);
    assert.equal(replies[102].status, 'rejected');
    assert.match(replies[102].reason.message, /^ERR value is not an integer or out of range$/);
    assert.deepEqual(await client.multi().set(k('q'), 'v').get(k('q')).execAsPipeline(), ['OK', 'v']);
  });

  await step('MULTI/EXEC transaction', async () => {
    assert.deepEqual(await client.multi().set(k('t'), '1').incr(k('t')).get(k('t')).exec(), ['OK', 2, '2']);
    const watcher = await connect(ports[0]);
    await watcher.watch(k('w'));
    await client.set(k('w'), 'changed by another client');
    await assert.rejects(watcher.multi().set(k('w'), 'mine').exec(), WatchError);
    assert.equal(await client.get(k('w')), 'changed by another client');
    watcher.destroy();
  });

  await step('KEYS and SCAN', async () => {
    const names = Array.from({ length: 30 }, (_, i) => k(`scan:${i}`));
    await client.mSet(names.map((name) => [name, 'v']));
    assert.deepEqual((await client.keys(k('scan:*'))).sort(), [...names].sort());
    const scanned = new Set();
    for await (const batch of client.scanIterator({ MATCH: k('scan:*'), COUNT: 7 })) [].concat(batch).forEach((key) => scanned.add(key));
    assert.deepEqual([...scanned].sort(), [...names].sort());
  });

  const received = [];
  const onMessage = (message, channel) => received.push(['message', channel, message]);
  const onPattern = (pattern) => (message, channel) => received.push(['pmessage', pattern, channel, message]);

  await step('subscribe and psubscribe on node 3, publish on node 1', async () => {
    await subscriber.subscribe(k('news'), onMessage);
    await subscriber.pSubscribe(k('n*'), onPattern(k('n*')));
    assert.equal(await client.publish(k('news'), 'hello'), 0); // PUBLISH counts node 1's own receivers: none
    await waitFor(() => received.length >= 2, 'message and pmessage on node 3');
    assert.deepEqual(received.splice(0), [['message', k('news'), 'hello'], ['pmessage', k('n*'), k('news'), 'hello']]);
  });

  await step('unsubscribe', async () => {
    await subscriber.unsubscribe(k('news'));
    await client.publish(k('news'), 'after unsubscribe');
    await waitFor(() => received.length >= 1, 'the pattern message');
    // A message frame would have come first, on the same connection: only the pattern still matches.
    assert.deepEqual(received.splice(0), [['pmessage', k('n*'), k('news'), 'after unsubscribe']]);
    await subscriber.pUnsubscribe();
  });

  await step('reconnect after nodes 1 and 3 restart', async () => {
    await subscriber.subscribe(k('again'), onMessage);
    await subscriber.pSubscribe(k('a*'), onPattern(k('a*')));
    await restart(1, 3);
    // Default settings: commands wait in node-redis's offline queue until it has reconnected by itself.
    assert.equal(await client.set(k('after'), 'restart'), 'OK');
    assert.equal(await client.get(k('greeting')), null, 'the restarted node starts empty');
    assert.match(await clientInfo(client), new RegExp(` resp=${resp} `));
    // node-redis subscribes again by itself; publish until that has happened.
    let sent = 0;
    await waitFor(async () => {
      await client.publish(k('again'), `after restart ${sent++}`);
      return received.some(([kind]) => kind === 'message') && received.some(([kind]) => kind === 'pmessage');
    }, 'the resubscribed channel and pattern to receive on node 3', 30_000, 200);
    const [, channel, message] = received.find(([type]) => type === 'message');
    assert.equal(channel, k('again'));
    assert.ok(received.some(([type, pattern, ch, text]) => type === 'pmessage' && pattern === k('a*') && ch === k('again') && text === message));
  });

  await step('quit', async () => {
    await subscriber.quit();
    await client.quit();
  });
});
