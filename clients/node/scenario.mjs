// What every node.js client scenario shares: its arguments, named steps, waiting on a condition with a deadline,
// and the restart handshake with the test that runs it (see RedisClone.Tests/Infrastructure/ClientScenario.cs).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const lines = createInterface({ input: process.stdin });
const pendingLines = [];
const lineWaiters = [];
lines.on('line', (line) => {
  const waiter = lineWaiters.shift();
  if (waiter) waiter(line);
  else pendingLines.push(line);
});

function nextLine() {
  if (pendingLines.length > 0) return Promise.resolve(pendingLines.shift());
  return new Promise((resolve) => lineWaiters.push(resolve));
}

/** --ports P1,P2,P3 --resp 2|3 --prefix name */
export function options() {
  const { values } = parseArgs({
    options: { ports: { type: 'string' }, resp: { type: 'string' }, prefix: { type: 'string' } },
  });
  return {
    ports: values.ports.split(',').map(Number),
    resp: Number(values.resp),
    prefix: values.prefix,
  };
}

export async function step(name, body) {
  console.log(`STEP ${name}`);
  await body();
}

/** Waits until `condition` (sync or async) is true, checking every `every` ms, failing after `ms`. */
export async function waitFor(condition, what, ms = 10_000, every = 20) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/** Asks the test to restart these nodes (1 to 3) and returns once it has, with the cluster formed again. */
export async function restart(...nodes) {
  console.log(`RESTART ${nodes.join(' ')}`);
  const reply = await nextLine();
  if (reply !== 'RESTARTED') throw new Error(`expected RESTARTED from the test, got ${reply}`);
}

/** Runs the scenario; prints DONE and exits 0, or prints the client's error and exits 1. */
export async function run(scenario) {
  try {
    await scenario(options());
    console.log('DONE');
    process.exit(0);
  } catch (error) {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  }
}
