// Two real hosts in this process sign the same tally certificate while they cannot reach each other: each
// signature alone is below the threshold, and no record holds both. Once healed, each node that receives the
// other's signature anchors the certificate with one record on top of its heads; the certificate ends final on
// both, with at most one anchoring record per node, and nothing more is written afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ledgerRecords } from '../core/dao/dao-doc.ts';
import { dialWithRetry, heal, partition, sameState, startHostMesh, until, type HostMesh } from './fixtures/host-mesh.ts';

let mesh: HostMesh;

before(async () => {
  // Two founders: the threshold is two signatures.
  mesh = await startHostMesh(2, { syncIntervalMs: 1000, votingPeriodMs: 20_000 });
});

after(async () => {
  await mesh?.stop();
});

test('a certificate signed concurrently on two partitioned nodes ends final on both, anchored a bounded number of times', async () => {
  const { hosts, dao } = mesh;
  const [a, b] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
  const { proposal } = await a.call('dao.propose', { dao, title: 'Plant the orchard', params: { kind: 'signal', text: '' } });
  await until('B to hold the proposal', () => b.daos.replica(dao)!.ledger.has(proposal), 30_000);
  await Promise.all(hosts.map((host) => host.call('dao.vote', { dao, proposal, choice: 'yes' })));
  await until('both votes at both nodes', () => hosts.every((host) => host.daos.get(dao).proposals[0]!.tally.voters === 2), 30_000);
  await until('the voting period to end', () => hosts.every((host) => host.daos.get(dao).proposals[0]!.status === 'closed'), 60_000);

  await partition(hosts);
  await Promise.all(hosts.map((host) => host.call('dao.signTally', { dao, proposal })));
  for (const host of hosts) assert.equal(host.daos.get(dao).proposals[0]!.certificate?.final, false, 'one signature of two');
  const signaturesBefore = tallySignatures(a, dao);
  assert.equal(signaturesBefore, 1);

  heal();
  await dialWithRetry(b, a);
  await until('the certificate to be final on both nodes', () => hosts.every((host) => host.daos.get(dao).proposals[0]!.status === 'passed'), 60_000);
  await until('the same state on both nodes', () => sameState(hosts, dao), 30_000);
  // Let any anchoring still due run, and the nodes sync a few more rounds: nothing more may be written.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  await until('the same state on both nodes', () => sameState(hosts, dao), 30_000);
  const size = a.daos.replica(dao)!.ledger.size;
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(a.daos.replica(dao)!.ledger.size, size, 'no more records once final: anchoring does not loop');
  for (const host of hosts) {
    assert.deepEqual(host.daos.replica(dao)!.ledger.certificatesToAnchor(), []);
    const view = host.daos.get(dao);
    assert.equal(view.proposals[0]!.certificate?.final, true);
    assert.deepEqual(view.evidence.filter((entry) => entry.kind === 'tally.sign'), [], 'no signature was ignored (no equivocation)');
  }
  const anchors = tallySignatures(a, dao) - 2;
  assert.ok(anchors >= 1 && anchors <= 2, `${anchors} anchoring records: one or two (one per node at most)`);
});

/** Records of kind tally.sign the node holds. */
function tallySignatures(host: HostMesh['hosts'][number], dao: string): number {
  return [...ledgerRecords(host.daos.replica(dao)!.doc)].filter((record) => record.record.kind === 'tally.sign').length;
}
