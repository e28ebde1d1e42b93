// ioredis against a 3-node RedisClone cluster, default settings but the protocol (ioredis 6 speaks RESP3 unless told
// `protocol: 2`). The data client talks to node 1, the subscriber to node 3.
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { restart, run, step, waitFor } from './scenario.mjs';

run(async ({ ports, resp, prefix }) => {
  const k = (name) => `${prefix}:${name}`;
  const connect = (port) => {
    const client = new Redis({ host: '127.0.0.1', port, protocol: resp });
    // Connection errors while a node restarts are expected; they are shown, and the scenario checks the client recovers.
    client.on('error', (error) => console.log(`(ioredis error event on port ${port}: ${error.message})`));
    return client;
  };
  const client = connect(ports[0]);
  const subscriber = connect(ports[2]);

  await step('connect', async () => {
    assert.equal(await client.ping(), 'PONG');
    const info = await client.client('INFO');
    assert.match(info, new RegExp(` resp=${resp} `));
    assert.match(info, / lib-name=ioredis /);
  });

  await step('strings with expiry', async () => {
    assert.equal(await client.set(k('greeting'), 'hello', 'EX', 100), 'OK');
    assert.equal(await client.get(k('greeting')), 'hello');
    const ttl = await client.ttl(k('greeting'));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await client.expire(k('greeting'), 50), 1);
    assert.ok((await client.pttl(k('greeting'))) <= 50_000);
    assert.equal(await client.persist(k('greeting')), 1);
    assert.equal(await client.ttl(k('greeting')), -1);
    assert.equal(await client.set(k('short'), 'x', 'PX', 200), 'OK');
    assert.ok((await client.pttl(k('short'))) > 0);
    await waitFor(async () => (await client.get(k('short'))) === null, 'the 200 ms key to expire', 5_000);
    assert.equal(await client.incrbyfloat(k('float'), 1.5), '1.5');
    assert.deepEqual(await client.mget(k('greeting'), k('missing')), ['hello', null]);
  });

  await step('pipeline', async () => {
    const pipeline = client.pipeline();
    for (let i = 0; i < 100; i++) pipeline.set(k(`p:${i}`), String(i));
    pipeline.incrby(k('counter'), 5).get(k('p:42')).incr(k('greeting'));
    const results = await pipeline.exec();
    assert.equal(results.length, 103);
    assert.ok(results.slice(0, 100).every(([error, reply]) => error === null && reply === 'OK'));
    assert.deepEqual(results.slice(100, 102), [[null, 5], [null, '42']]);
    assert.match(results[102][0].message, /^ERR value is not an integer or out of range$/);
  });

  await step('MULTI/EXEC transaction', async () => {
    assert.deepEqual(await client.multi().set(k('t'), '1').incr(k('t')).get(k('t')).exec(), [[null, 'OK'], [null, 2], [null, '2']]);
    const watcher = client.duplicate();
    await watcher.watch(k('w'));
    await client.set(k('w'), 'changed by another client');
    assert.equal(await watcher.multi().set(k('w'), 'mine').exec(), null);
    assert.equal(await client.get(k('w')), 'changed by another client');
    watcher.disconnect();
  });

  await step('KEYS and SCAN', async () => {
    const names = Array.from({ length: 30 }, (_, i) => k(`scan:${i}`));
    await client.mset(...names.flatMap((name) => [name, 'v']));
    assert.deepEqual((await client.keys(k('scan:*'))).sort(), [...names].sort());
    const scanned = new Set();
    for await (const batch of client.scanStream({ match: k('scan:*'), count: 7 })) batch.forEach((key) => scanned.add(key));
    assert.deepEqual([...scanned].sort(), [...names].sort());
  });

  const received = [];
  subscriber.on('message', (channel, message) => received.push(['message', channel, message]));
  subscriber.on('pmessage', (pattern, channel, message) => received.push(['pmessage', pattern, channel, message]));

  await step('subscribe and psubscribe on node 3, publish on node 1', async () => {
    assert.equal(await subscriber.subscribe(k('news')), 1);
    assert.equal(await subscriber.psubscribe(k('n*')), 2);
    assert.equal(await client.publish(k('news'), 'hello'), 0); // PUBLISH counts node 1's own receivers: none
    await waitFor(() => received.length >= 2, 'message and pmessage on node 3');
    assert.deepEqual(received.splice(0), [['message', k('news'), 'hello'], ['pmessage', k('n*'), k('news'), 'hello']]);
  });

  await step('unsubscribe', async () => {
    assert.equal(await subscriber.unsubscribe(k('news')), 1);
    await client.publish(k('news'), 'after unsubscribe');
    await waitFor(() => received.length >= 1, 'the pattern message');
    // A message frame would have come first, on the same connection: only the pattern still matches.
    assert.deepEqual(received.splice(0), [['pmessage', k('n*'), k('news'), 'after unsubscribe']]);
    assert.equal(await subscriber.punsubscribe(), 0);
  });

  await step('reconnect after nodes 1 and 3 restart', async () => {
    assert.equal(await subscriber.subscribe(k('again')), 1);
    assert.equal(await subscriber.psubscribe(k('a*')), 2);
    await restart(1, 3);
    // Default settings: commands wait in ioredis's offline queue until it has reconnected by itself.
    assert.equal(await client.set(k('after'), 'restart'), 'OK');
    assert.equal(await client.get(k('greeting')), null, 'the restarted node starts empty');
    assert.match(await client.client('INFO'), new RegExp(` resp=${resp} `));
    // ioredis subscribes again by itself; publish until that has happened.
    let sent = 0;
    await waitFor(async () => {
      await client.publish(k('again'), `after restart ${sent++}`);
      return received.some(([kind]) => kind === 'message') && received.some(([kind]) => kind === 'pmessage');
    }, 'the resubscribed channel and pattern to receive on node 3', 30_000, 200);
    const [kind, channel, message] = received.find(([type]) => type === 'message');
    assert.deepEqual([kind, channel], ['message', k('again')]);
    assert.ok(received.some(([type, pattern, ch, text]) => type === 'pmessage' && pattern === k('a*') && ch === k('again') && text === message));
  });

  await step('quit', async () => {
    assert.equal(await subscriber.quit(), 'OK');
    assert.equal(await client.quit(), 'OK');
  });
});
