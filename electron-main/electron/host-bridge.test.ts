// What the desktop app's main process does between the window and the host (host-bridge.ts), wired as main.ts
// wires it to the host supervisor, against a real host (`daomesh node`, a plain Node child process in place of
// Electron's utility process): which calls reach the host, what the window hears, and what a call made while
// the host restarts or after it was given up on gets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectApi, readApiEndpoint, type ApiClient } from '../host/api-client.ts';
import type { RelayAnswer } from './channels.ts';
import { HostBridge, type CallingFrame } from './host-bridge.ts';
import { superviseHost, type RestartPolicy } from './host-supervisor.ts';
import { useTestHosts } from './test-hosts.ts';

const { dataDir, startHost, onCleanup } = useTestHosts();
const pageUrl = 'daomesh://app/index.html';
const ourPage: CallingFrame = { url: pageUrl, parent: null };
const passphrase = 'a long enough passphrase';

/**
 * A bridge on a supervised host, wired as main.ts wires it: connected on start and after each restart, down
 * while the host restarts, failed once the supervisor gives up. `events` is what the window was sent.
 */
async function bridgedHost(policy: RestartPolicy, options: { restartFails?: string } = {}) {
  const dir = await dataDir();
  const events: [string, unknown][] = [];
  const bridge = new HostBridge({ pageUrl, target: () => (event, data) => events.push([event, data]) });
  const pids: number[] = [];
  let client: ApiClient | null = null;
  const seen: string[] = [];
  let onSeen = (): void => {};
  const connect = async (api: string): Promise<void> => {
    client = await connectApi({ url: api, secret: (await readApiEndpoint(dir)).secret });
    bridge.connected(client);
  };
  const supervisor = await superviseHost({
    start: async () => {
      if (pids.length > 0 && options.restartFails) throw new Error(options.restartFails);
      const { host, pid } = startHost(dir);
      pids.push(pid);
      return await host;
    },
    policy,
    onDown: () => {
      client?.close();
      client = null;
      bridge.down();
      seen.push('down');
      onSeen();
    },
    onRestarted: (host) => {
      void connect(host.summary.api).then(() => {
        seen.push('restarted');
        onSeen();
      });
    },
    onGaveUp: (reason) => {
      bridge.failed(reason);
      seen.push('gave up');
      onSeen();
    },
  });
  onCleanup(async () => {
    bridge.stop();
    (client as ApiClient | null)?.close();
    await supervisor.stop();
  });
  await connect(supervisor.current()!.summary.api);
  /** Resolves once `what` has happened (as many times as it has been waited for). */
  const until = async (what: string, times = 1): Promise<void> => {
    while (seen.filter((event) => event === what).length < times) await new Promise<void>((resolve) => (onSeen = resolve));
  };
  const kill = (): void => {
    process.kill(pids.at(-1)!, 'SIGKILL');
  };
  return { bridge, events, until, kill };
}

function result(answer: RelayAnswer): unknown {
  if ('error' in answer) assert.fail(`the call failed: ${answer.error.code}: ${answer.error.message}`);
  return answer.result;
}

test('only our page, a bridge method and params that pass its schema reach the host; its answers and errors come back as data, its events reach the window', async () => {
  const { bridge, events } = await bridgedHost({ maxRestarts: 1, windowMs: 60_000, delaysMs: [100] });
  const create = { name: 'Bike Co-op', preset: 'simple-majority' };
  // Another page, a frame inside ours, a frame gone, a URL that is none: refused before anything else is looked at.
  for (const frame of [
    { url: 'https://example.com/index.html', parent: null },
    { url: 'daomesh://app/other.html', parent: null },
    { url: 'daomesh://other/index.html', parent: null },
    { url: pageUrl, parent: { url: pageUrl } },
    { url: 'not a url', parent: null },
    null,
  ]) {
    assert.deepEqual(await bridge.answer(frame, 'identity.create', { passphrase }), { error: { code: 'UNAUTHORIZED', message: 'Only the DAOmesh window may call the node.' } }, JSON.stringify(frame));
  }
  for (const method of ['identity.export', '__proto__', 'constructor', 'toString', 42, null]) {
    const answer = await bridge.answer(ourPage, method, {});
    assert.ok('error' in answer && answer.error.code === 'UNKNOWN_METHOD', String(method));
  }
  for (const params of [{ passphrase: 12345678901234 }, { passphrase, extra: true }, null, 'passphrase', [passphrase]]) {
    const answer = await bridge.answer(ourPage, 'identity.create', params);
    assert.ok('error' in answer && answer.error.code === 'BAD_REQUEST' && answer.error.message.startsWith('Invalid params for identity.create: '), JSON.stringify(params));
  }
  const status = result(await bridge.answer(ourPage, 'node.status', {})) as { identity: string };
  assert.equal(status.identity, 'none', 'none of the refused calls reached the host');

  const created = result(await bridge.answer(ourPage, 'identity.create', { passphrase })) as { address: string };
  assert.match(created.address, /^0x[0-9a-fA-F]{40}$/);
  const { dao } = result(await bridge.answer(ourPage, 'dao.create', create)) as { dao: string };
  // The host's own error, with its code and hint, as data.
  const missing = await bridge.answer(ourPage, 'dao.get', { dao: 'A'.repeat(43) });
  assert.ok('error' in missing && missing.error.code === 'DAO_NOT_FOUND', JSON.stringify(missing));
  // The window hears the host's events.
  for (let wait = 0; !events.some(([name, data]) => name === 'dao.changed' && (data as { dao: string }).dao === dao); wait++) {
    assert.ok(wait < 200, `no dao.changed event for the new DAO; the window heard ${JSON.stringify(events.map(([name]) => name))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.ok(events.every(([name]) => ['node.status', 'dao.changed', 'dao.syncStatus'].includes(name)));
});

test('a call made while the host restarts waits and reaches the new host, whose events reach the window; once main gives up, calls fail with its reason', async () => {
  const { bridge, events, until, kill } = await bridgedHost({ maxRestarts: 1, windowMs: 60_000, delaysMs: [300] });
  result(await bridge.answer(ourPage, 'identity.create', { passphrase }));
  const { dao } = result(await bridge.answer(ourPage, 'dao.create', { name: 'Survivors', preset: 'simple-majority' })) as { dao: string };

  kill();
  await until('down');
  // Made while no host runs: answered by the next one, which holds what the first stored.
  const waiting = bridge.answer(ourPage, 'dao.list', {});
  const unlocking = bridge.answer(ourPage, 'identity.unlock', { passphrase });
  await until('restarted');
  assert.deepEqual((result(await waiting) as { id: string }[]).map((summary) => summary.id), [dao]);
  result(await unlocking);
  const heard = events.length;
  const proposed = result(await bridge.answer(ourPage, 'dao.propose', { dao, title: 'After the restart', params: { kind: 'signal', text: '' } })) as { proposal: string };
  assert.ok(proposed.proposal);
  for (let wait = 0; !events.slice(heard).some(([name]) => name === 'dao.changed'); wait++) {
    assert.ok(wait < 200, "the new host's events do not reach the window");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  // Down again within the window: the supervisor gives up (no restart), and main tells the bridge.
  kill();
  await until('gave up');
  for (const method of ['dao.list', 'node.status'] as const) {
    const answer = await bridge.answer(ourPage, method, {});
    assert.ok('error' in answer && answer.error.code === 'NODE_NOT_RUNNING' && /stopped 2 times within 1 minutes/.test(answer.error.message), JSON.stringify(answer));
  }
  // A refusal that needs no host is still answered as one.
  assert.ok(await bridge.answer(null, 'node.status', {}).then((refused) => 'error' in refused && refused.error.code === 'UNAUTHORIZED'));
});

test('a call waiting for a restart that fails gets the reason main gave up', async () => {
  const { bridge, until, kill } = await bridgedHost({ maxRestarts: 1, windowMs: 60_000, delaysMs: [100] }, { restartFails: 'The data directory is gone.' });
  kill();
  await until('down');
  const waiting = bridge.answer(ourPage, 'node.status', {});
  await until('gave up');
  const answer = await waiting;
  assert.ok('error' in answer && answer.error.code === 'NODE_NOT_RUNNING' && answer.error.message.startsWith('The data directory is gone.'), JSON.stringify(answer));
});
