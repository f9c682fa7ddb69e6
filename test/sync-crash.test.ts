// A node killed with SIGKILL in the middle of catching up restarts and converges with nothing lost: the
// envelopes it had accepted are in its crash-safe log, and the next session brings the rest.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { DaoView } from '../core/bridge/api.ts';
import { removeDir, runCli, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';
import { startHostMesh, type HostMesh } from './fixtures/host-mesh.ts';

const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
let mesh: HostMesh | undefined;
let node: RunningNode | undefined;

after(async () => {
  await node?.stop();
  await mesh?.stop();
  if (node) await removeDir(node.dataDir);
});

test('a node SIGKILLed while catching up restarts and converges with nothing lost', async () => {
  mesh = await startHostMesh(1);
  const [a] = mesh.hosts as [NonNullable<HostMesh['hosts'][number]>];
  const dao = mesh.dao;
  const { proposal } = await a.call('dao.propose', { dao, title: 'Many votes', params: { kind: 'signal', text: '' } });
  for (let i = 0; i < 1500; i++) await a.call('dao.vote', { dao, proposal, choice: i % 2 === 0 ? 'yes' : 'no' });
  const total = a.daos.replica(dao)!.ledger.size;
  const { code } = await a.call('dao.invite', { dao });
  const bootstrap = ['--bootstrap', `${a.mesh.getMultiaddrs()[0]!.toString()}`];

  node = await startCliNode({ env, args: ['--sync-interval', '1s', ...bootstrap] });
  const dataDir = node.dataDir;
  await runCli(['--data', dataDir, 'identity', 'create', '--json'], { env });
  const log = join(dataDir, 'daos', dao, 'envelopes.log');
  let kills = 0;
  let lastSize = 0;
  for (let round = 0; round < 2; round++) {
    if (round === 0) void runCli(['--data', dataDir, 'dao', 'join', code, '--json'], { env }); // cut short by the kill
    // Kill it once part of the history is on its disk, and part is not.
    const sizeAtKill = await waitFor(
      'the node to be part way through',
      async () => {
        const size = (await stat(log).catch(() => null))?.size ?? 0;
        return size > lastSize + 20_000 ? size : undefined;
      },
      60_000,
    );
    node.process.kill('SIGKILL');
    await node.stop();
    kills++;
    lastSize = sizeAtKill;
    node = await startCliNode({ dataDir, env, args: ['--sync-interval', '1s', ...bootstrap] });
  }
  const expected = a.daos.get(dao);
  const caught = await waitFor(
    'the restarted node to converge',
    async () => {
      const result = await runCli(['--data', dataDir, 'dao', 'show', dao, '--json'], { env });
      if (result.code !== 0) return undefined;
      const view = JSON.parse(result.stdout) as DaoView;
      return view.records === total && view.stateHash === expected.stateHash ? view : undefined;
    },
    120_000,
  );
  assert.equal(kills, 2);
  assert.equal(caught.records, total);
  assert.equal(caught.proposals[0]!.tally.voters, expected.proposals[0]!.tally.voters);
});
