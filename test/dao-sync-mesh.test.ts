// Twelve real hosts in this process (each its own libp2p node on 127.0.0.1, gate, fold and logs) share one DAO:
// every member proposes and votes on every proposal at the same moment, and all twelve end with the same
// records and the same state hash; then, partitioned in two halves that keep working, they heal and converge.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dialWithRetry, heal, partition, sameState, startHostMesh, until, type HostMesh } from './fixtures/host-mesh.ts';

let mesh: HostMesh;

before(async () => {
  mesh = await startHostMesh(12, { syncIntervalMs: 3000 });
});

after(async () => {
  await mesh?.stop();
});

test('12 nodes: concurrent proposals and votes from every member converge to the same state hash', async () => {
  const { hosts, dao } = mesh;
  const proposals = await Promise.all(hosts.map(async (host, i) => (await host.call('dao.propose', { dao, title: `Plan ${i}`, params: { kind: 'signal', text: `${i}` } })).proposal));
  await until('every proposal at every node', () => hosts.every((host) => proposals.every((proposal) => host.daos.replica(dao)!.ledger.has(proposal))), 120_000);
  await Promise.all(hosts.map((host, i) => Promise.all(proposals.map((proposal, j) => host.call('dao.vote', { dao, proposal, choice: (i + j) % 4 === 0 ? 'no' : 'yes' })))));
  await until('the same state everywhere', () => sameState(hosts, dao), 180_000);
  const view = hosts[5]!.daos.get(dao);
  assert.equal(view.proposals.length, 12);
  for (const proposal of view.proposals) assert.equal(proposal.tally.voters, 12);
  assert.equal(new Set(hosts.map((host) => host.daos.replica(dao)!.ledger.stateHash())).size, 1);
});

test('12 nodes split in two halves that keep working converge once healed', async () => {
  const { hosts, dao } = mesh;
  const halves = [hosts.slice(0, 6), hosts.slice(6)];
  await partition(hosts, halves);
  // Each half stays connected within itself (a star on its first node, to be sure) and works on.
  for (const half of halves) await Promise.all(half.slice(1).map((host) => dialWithRetry(host, half[0]!)));
  const made = await Promise.all(
    halves.map(async (half, h) => {
      const { proposal } = await half[0]!.call('dao.propose', { dao, title: `Half ${h}`, params: { kind: 'signal', text: '' } });
      await until(`half ${h} to share its proposal`, () => half.every((host) => host.daos.replica(dao)!.ledger.has(proposal)), 60_000);
      await Promise.all(half.map((host) => host.call('dao.vote', { dao, proposal, choice: 'yes' })));
      return proposal;
    }),
  );
  assert.equal(hosts[0]!.daos.replica(dao)!.ledger.has(made[1]!), false, 'the halves did not talk');
  heal();
  await dialWithRetry(halves[1]![0]!, halves[0]![0]!);
  await until('the healed mesh to converge', () => sameState(hosts, dao), 180_000);
  for (const proposal of made) assert.equal(hosts[11]!.daos.get(dao).proposals.find((entry) => entry.id === proposal)!.tally.voters, 6);
});
