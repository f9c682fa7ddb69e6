// The desktop app's host supervision, with the real `daomesh node` as a plain Node child process in place of
// Electron's utility process (host-process.ts only forks; the rest is host-child.ts, run here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectApi, readApiEndpoint } from '../host/api-client.ts';
import type { HostProcess } from './host-child.ts';
import { superviseHost, type HostSupervisor, type RestartPolicy } from './host-supervisor.ts';
import { useTestHosts } from './test-hosts.ts';

const { dataDir, startHost: spawnHost, onCleanup } = useTestHosts();
const pids = new Map<Promise<HostProcess>, number>();

/** `daomesh node --json` on `dir`, as the app starts it (there in a utility process). */
function startHost(dir: string): Promise<HostProcess> {
  const { host, pid } = spawnHost(dir);
  pids.set(host, pid);
  return host;
}

/** A supervisor whose events are promises a test can wait for. */
async function supervise(dir: string, policy: RestartPolicy, options: { beforeRestart?: () => Promise<void> } = {}) {
  const events: string[] = [];
  const started: Promise<HostProcess>[] = [];
  let onEvent = (): void => {};
  const next = (): Promise<void> => new Promise((resolve) => (onEvent = resolve));
  const supervisor: HostSupervisor = await superviseHost({
    start: async () => {
      if (started.length > 0) await options.beforeRestart?.();
      const host = startHost(dir);
      started.push(host);
      return await host;
    },
    policy,
    onDown: (reason, restartInMs) => events.push(`down in ${restartInMs}: ${reason}`),
    onRestarted: (_host, restarts) => {
      events.push(`restarted ${restarts}`);
      onEvent();
    },
    onGaveUp: (reason) => {
      events.push(`gave up: ${reason}`);
      onEvent();
    },
  });
  onCleanup(() => supervisor.stop());
  return { supervisor, events, next, pidOf: (index: number) => pids.get(started[index]!)! };
}

const quick: RestartPolicy = { maxRestarts: 2, windowMs: 60_000, delaysMs: [100, 200] };

test('a host killed with SIGKILL is started again on the same data directory, and answers on its new API', async () => {
  const dir = await dataDir();
  const { supervisor, events, next, pidOf } = await supervise(dir, quick);
  const first = supervisor.current()!;
  const client = await connectApi({ url: first.summary.api, secret: (await readApiEndpoint(dir)).secret });
  await client.call('identity.create', { passphrase: 'supervised passphrase' });
  const { dao } = await client.call('dao.create', { name: 'Survivors', preset: 'simple-majority' });
  client.close();

  const restarted = next();
  process.kill(pidOf(0), 'SIGKILL');
  await restarted;
  assert.match(events[0]!, /^down in 100: The DAOmesh host exited \(killed by a signal\)/);
  assert.equal(events[1], 'restarted 1');

  const again = supervisor.current()!;
  assert.notEqual(again, first);
  assert.equal(again.summary.peerId, first.summary.peerId, 'the same node identity, from the same data directory');
  const reconnected = await connectApi({ url: again.summary.api, secret: (await readApiEndpoint(dir)).secret });
  const daos = await reconnected.call('dao.list', {});
  assert.deepEqual(
    daos.map((summary) => [summary.id, summary.name]),
    [[dao, 'Survivors']],
    'the DAO written before the kill is there',
  );
  reconnected.close();
});

test('a host that keeps dying is given up on once the restarts allowed in the window are spent', async () => {
  const dir = await dataDir();
  const { supervisor, events, next, pidOf } = await supervise(dir, quick);
  for (let round = 0; round < 2; round++) {
    const restarted = next();
    process.kill(pidOf(round), 'SIGKILL');
    await restarted;
  }
  const gaveUp = next();
  process.kill(pidOf(2), 'SIGKILL');
  await gaveUp;
  assert.deepEqual(
    events.map((event) => event.split(':')[0]),
    ['down in 100', 'restarted 1', 'down in 200', 'restarted 2', 'gave up'],
  );
  assert.match(events.at(-1)!, /stopped 3 times within 1 minutes/);
  assert.equal(supervisor.current(), null);
});

test('a restart that finds another node on the data directory gives up at once, with that reason', async () => {
  const dir = await dataDir();
  let otherStarted = (): void => {};
  const otherUp = new Promise<void>((resolve) => (otherStarted = resolve));
  const { supervisor, events, next, pidOf } = await supervise(dir, { maxRestarts: 3, windowMs: 60_000, delaysMs: [100] }, { beforeRestart: () => otherUp });
  const gaveUp = next();
  process.kill(pidOf(0), 'SIGKILL');
  // Another node (the CLI, say) takes the directory while the app waits to restart its own.
  let other: HostProcess | null = null;
  for (let attempt = 0; other === null; attempt++) {
    try {
      other = await startHost(dir);
    } catch (error) {
      // The killed host's lock is released by its takeover; until the kill lands the directory is still in use.
      if (attempt > 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  onCleanup(() => other.stop());
  otherStarted();
  await gaveUp;
  assert.equal(events.length, 2);
  assert.match(events[1]!, /^gave up: Another DAOmesh node \(pid \d+\) is already using /);
  assert.equal(supervisor.current(), null);
});

test('stopping while a restart is pending starts nothing more', async () => {
  const dir = await dataDir();
  const { supervisor, events, pidOf } = await supervise(dir, { maxRestarts: 3, windowMs: 60_000, delaysMs: [300] });
  process.kill(pidOf(0), 'SIGKILL');
  while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await supervisor.stop();
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(events.length, 1, events.join('\n'));
  assert.equal(supervisor.current(), null);
});
