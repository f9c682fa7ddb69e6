// Real nodes (separate processes, libp2p on 127.0.0.1, rounds every half second) after a member leaves a DAO: the
// rage quit goes out by gossip at once, the leaver's node stops syncing it once the others hold it and says so, the others go on syncing with each other, and a second device of
// the leaver's, off while its member left and so unaware of it, is refused by the DAO's nodes: it backs off
// rather than asking and logging every round, and `dao peers` says who refuses it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BridgeParams, BridgeResult, DaoSyncStatus, DaoView } from '../core/bridge/api.ts';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { removeDir, runCli, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
const syncIntervalMs = 500;
const nodes: RunningNode[] = [];
const addresses: string[] = [];
let dao = '';

async function json<T>(node: RunningNode, args: string[], extraEnv: Record<string, string> = {}): Promise<T> {
  const result = await runCli(['--data', node.dataDir, ...args, '--json'], { env: { ...env, ...extraEnv } });
  if (result.code !== 0) throw new Error(`daomesh ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

async function query<M extends 'dao.get' | 'dao.peers'>(node: RunningNode, method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
  const api = await connectApi(await readApiEndpoint(node.dataDir));
  try {
    return await api.call(method, params);
  } finally {
    api.close();
  }
}

const start = (dataDir?: string) => startCliNode({ ...(dataDir ? { dataDir } : {}), env, args: ['--sync-interval', `${syncIntervalMs}ms`] });

/** Lines a node logged since `from` (its stderr's length then) that contain `text`. */
function logged(node: RunningNode, from: number, text: string): string[] {
  return node
    .stderr()
    .slice(from)
    .split('\n')
    .filter((line) => line.includes(text));
}

/**
 * Waits for `count` of the periodic rounds of A, which asks B every round and nobody else (the others have left, by
 * its records): each session it starts sets its last sync time. The nodes' rounds run at the same interval.
 */
async function rounds(count: number): Promise<void> {
  const seen = new Set<number>();
  await waitFor(`${count} sync rounds`, async () => {
    const { lastSyncAt } = await query(nodes[0]!, 'dao.peers', { dao });
    if (lastSyncAt !== null) seen.add(lastSyncAt);
    return seen.size > count ? true : undefined;
  }, 60_000);
}

before(async () => {
  // A, B and C found the DAO; D is a second device of C's.
  let phrase = '';
  for (let i = 0; i < 3; i++) {
    const node = await start();
    nodes.push(node);
    const created = await json<{ address: string; phrase: string }>(node, ['identity', 'create']);
    addresses.push(created.address);
    phrase = created.phrase;
  }
  const [a, b, c] = nodes as [RunningNode, RunningNode, RunningNode];
  const d = await start();
  nodes.push(d);
  await json(d, ['identity', 'restore'], { DAOMESH_PHRASE: phrase });
  dao = (await json<{ dao: string }>(a, ['dao', 'create', '--name', 'Leavers', '--founder', addresses[1]!, '--founder', addresses[2]!])).dao;
  const { code } = await json<{ code: string }>(a, ['dao', 'invite', dao]);
  for (const node of [b, c, d]) await json(node, ['dao', 'join', code]);
  await waitFor('every node to count the other three as the DAO\'s', async () => {
    const statuses = await Promise.all(nodes.map((node) => query(node, 'dao.peers', { dao })));
    return statuses.every((status) => status.peers.length === 3 && status.state === 'in-sync') ? true : undefined;
  }, 90_000);
});

after(async () => {
  for (const node of nodes) {
    await node.stop();
    await removeDir(node.dataDir);
  }
});

test('a member who rage quits: the rage quit goes out at once, their node stops syncing the DAO and says so; the others go on syncing with each other', async () => {
  const [a, b, first, d] = nodes as [RunningNode, RunningNode, RunningNode, RunningNode];
  // D is off while its member leaves: it comes back knowing nothing of it (next test).
  await d.stop();
  await json(first, ['rage-quit', dao, '--yes']);
  // C's node stops at once: its rage quit reaches A and B all the same, by gossip (sealed with the key of the epoch
  // C left, which they hold), not only when a catch-up session with C's node comes round.
  await first.stop();
  await waitFor('A and B to see C leave', async () => {
    const views = await Promise.all([a, b].map((node) => query(node, 'dao.get', { dao })));
    return views.every((view) => view.memberCount === 2) ? true : undefined;
  });

  // Back, C's node offers its records to each DAO node that may lack its departure: both refuse it, as they have it.
  const c = await start(first.dataDir);
  nodes[2] = c;
  await rounds(10);
  const asked = logged(c, 0, `sync ${dao} with`);
  for (const peer of [a.info.peerId, b.info.peerId]) {
    const lines = asked.filter((line) => line.includes(`with ${peer}:`));
    assert.ok(lines.length <= 1, `C's node asked ${peer} once at most, not every round: ${lines.join('\n')}`);
    if (lines[0]) assert.match(lines[0], /refused \(NOT_A_MEMBER.*\); it holds this node's departure, not asking it again$/);
  }
  assert.equal(asked.length, asked.filter((line) => line.includes(a.info.peerId) || line.includes(b.info.peerId)).length);
  assert.equal(logged(c, 0, "this node's member is no longer a member").length, 1, 'and says so once');

  const status = await json<DaoSyncStatus>(c, ['dao', 'peers', dao]);
  assert.equal(status.left, true);
  assert.equal(status.state, 'offline', 'not in sync with anyone');
  assert.deepEqual([...status.peers].sort(), [a.info.peerId, b.info.peerId].sort(), 'the DAO\'s nodes are still connected');
  const human = await runCli(['--data', c.dataDir, 'dao', 'peers', dao], { env });
  assert.match(human.stdout, /^\S+: not syncing, 2 peers, /);
  assert.match(human.stdout, /\n {2}you left this DAO \(or were removed\): this node keeps its records, readable, but no longer syncs it\n/);
  // The DAO stays readable where it was left.
  const view = await query(c, 'dao.get', { dao });
  assert.equal(view.isMember, false);
  assert.equal(view.exits.length, 1);

  // A and B: in sync with each other, and what one writes reaches the other.
  const { proposal } = await json<{ proposal: string }>(a, ['proposal', 'create', dao, '--title', 'After C left', '--text', '']);
  await waitFor('B to receive what A wrote', async () => ((await query(b, 'dao.get', { dao })).proposals.some((entry) => entry.id === proposal) ? true : undefined));
  for (const [node, other] of [[a, b], [b, a]] as const) {
    const peers = await waitFor('A and B to settle', async () => {
      const current = await query(node, 'dao.peers', { dao });
      return current.state === 'in-sync' ? current : undefined;
    });
    assert.deepEqual(peers.peers, [other.info.peerId]);
    assert.deepEqual([peers.left, peers.refusedBy], [false, []]);
  }
});

test("a second device of the leaver's that was off meanwhile is refused by the DAO's nodes: it backs off, and `dao peers` says who refuses it", async () => {
  const [a, b, c] = nodes as [RunningNode, RunningNode, RunningNode];
  // D's records still count its member; every node that knows refuses it and none starts a session with it.
  const d = await start(nodes[3]!.dataDir);
  nodes[3] = d;
  const everyone = [a.info.peerId, b.info.peerId, c.info.peerId].sort();
  const refused = await waitFor('every DAO node to refuse D', async () => {
    const status = await query(d, 'dao.peers', { dao });
    return [...status.refusedBy].sort().join() === everyone.join() ? status : undefined;
  }, 60_000);
  assert.equal(refused.left, false, 'D does not know its member left');
  assert.equal(refused.state, 'offline', 'not in sync with a node that refuses it');

  await rounds(10);
  const refusals = logged(d, 0, 'refused (NOT_A_MEMBER');
  for (const peer of everyone) {
    const lines = refusals.filter((line) => line.includes(`with ${peer}:`));
    // Ten rounds of half a second: asked again after 5 s at most once, then left alone for 10 s.
    assert.ok(lines.length >= 1 && lines.length <= 2, `D logged ${peer}'s refusal once a pause, not every round: ${lines.join('\n')}`);
    assert.match(lines[0]!, /not asking it again for 5 s, or until a new record arrives/);
    if (lines[1]) assert.match(lines[1], /not asking it again for 10 s/);
  }
  const human = await runCli(['--data', d.dataDir, 'dao', 'peers', dao], { env });
  assert.match(human.stdout, /^\S+: offline \(every peer refuses this node\), 3 peers, /);
  for (const peer of everyone) assert.match(human.stdout, new RegExp(`\n {2}${peer}: refuses this node \\(not one of the DAO's nodes by its records, or its invite no longer good\\); asked again later\n`));
  const view: DaoView = await query(d, 'dao.get', { dao });
  assert.equal(view.exits.length, 0, 'nothing reached D');
});
