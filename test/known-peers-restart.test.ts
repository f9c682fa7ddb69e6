// Two real nodes without mDNS or a bootstrap list, each listening on a new port at every start: they find each
// other again after restarts only through the addresses each remembered of the other (known-peers.json). Found by
// the soak (test/soak.test.ts): a node that met a peer again after the peer's restart kept its old address.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { DaoSyncStatus } from '../core/bridge/api.ts';
import { removeDir, runCli, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
const nodes: RunningNode[] = [];

async function json<T>(node: RunningNode, args: string[]): Promise<T> {
  const result = await runCli(['--data', node.dataDir, ...args, '--json'], { env });
  if (result.code !== 0) throw new Error(`daomesh ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

const start = (dataDir?: string) => startCliNode({ ...(dataDir ? { dataDir } : {}), env, args: ['--sync-interval', '500ms'] });

async function restart(index: number): Promise<RunningNode> {
  await nodes[index]!.stop();
  nodes[index] = await start(nodes[index]!.dataDir);
  return nodes[index];
}

/** Waits until `node` syncs `dao` with `peer`. */
async function syncsWith(node: RunningNode, dao: string, peer: RunningNode, timeoutMs = 30_000): Promise<void> {
  await waitFor(`${node.info.peerId} to sync with ${peer.info.peerId}`, async () => {
    const status = await json<DaoSyncStatus>(node, ['dao', 'peers', dao]);
    return status.peers.includes(peer.info.peerId) && status.state === 'in-sync' ? true : undefined;
  }, timeoutMs);
}

after(async () => {
  for (const node of nodes) {
    await node.stop();
    await removeDir(node.dataDir);
  }
});

test('a node restarted on a new port is found again by a peer that restarts after it, through the address it remembered', async () => {
  const addresses: string[] = [];
  for (let i = 0; i < 2; i++) {
    nodes.push(await start());
    addresses.push((await json<{ address: string }>(nodes[i]!, ['identity', 'create'])).address);
  }
  const { dao } = await json<{ dao: string }>(nodes[0]!, ['dao', 'create', '--name', 'Restarts', '--founder', addresses[1]!]);
  const { code } = await json<{ code: string }>(nodes[0]!, ['dao', 'invite', dao]);
  await json(nodes[1]!, ['dao', 'join', code]);
  await syncsWith(nodes[1]!, dao, nodes[0]!);

  // A comes back on another port and dials B, which has not moved: B meets A again at A's new address.
  const a = await restart(0);
  await syncsWith(nodes[1]!, dao, a);
  await syncsWith(a, dao, nodes[1]!);
  // Some rounds for B to note where A listens now.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  // B comes back on another port: A cannot know it, so B must dial A where A listens now.
  const b = await restart(1);
  await syncsWith(b, dao, a);
  const { proposal } = await json<{ proposal: string }>(a, ['proposal', 'create', dao, '--title', 'After the restarts']);
  const view = await waitFor('B to receive what A wrote', async () => {
    const shown = await json<{ proposals: { id: string }[] }>(b, ['dao', 'show', dao]);
    return shown.proposals.some((entry) => entry.id === proposal) ? shown : undefined;
  });
  assert.equal(view.proposals.length, 1);
});
