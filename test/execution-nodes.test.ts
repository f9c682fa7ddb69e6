// Three real hosts (libp2p on 127.0.0.1, gossip, the host's presence) in one DAO: once a passed grant's grace
// period is over, the members' nodes take turns at writing the record that executes it, so one record does it,
// written by the first member in the turn order whose node is online (DaoService, turnOrder).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ledgerRecords } from '../core/dao/dao-doc.ts';
import { executionSubject, turnOrder } from '../electron-main/host/dao-service.ts';
import { sameState, startHostMesh, until, type HostMesh } from './fixtures/host-mesh.ts';

let mesh: HostMesh | undefined;

after(async () => {
  await mesh?.stop();
});

test('the members\' online nodes take turns: one record executes a passed grant, by the first in the order', async () => {
  mesh = await startHostMesh(3, { votingPeriodMs: 4_000, gracePeriodMs: 2_000 });
  const { hosts, dao, addresses } = mesh;
  const [first] = hosts as [NonNullable<HostMesh['hosts'][number]>];
  const onlineEverywhere = async () => (await Promise.all(hosts.map((host) => host.call('dao.peers', { dao })))).every((status) => status.online.length === 3);
  await until('every node to see the others online', onlineEverywhere, 30_000);
  const { proposal } = await first.call('dao.propose', { dao, title: 'Thanks', params: { kind: 'reputation.grant', member: addresses[2]!, points: 5 } });
  const view = (host: (typeof hosts)[number]) => host.daos.get(dao).proposals.find((entry) => entry.id === proposal);
  for (const host of hosts) {
    await until('the proposal to reach every node', () => view(host) !== undefined, 10_000);
    await host.call('dao.vote', { dao, proposal, choice: 'yes' });
  }
  await until('the voting period to end', () => Date.now() > view(first)!.votingEndsAt, 10_000);
  // Signed one after another, each signer holding the signatures before it: no certificate to anchor.
  for (const host of hosts) {
    await until('every node to hold the same records', () => sameState(hosts, dao), 10_000);
    if (view(host)!.status === 'passed') break;
    await host.call('dao.signTally', { dao, proposal });
  }
  await until('every node to see it passed', () => hosts.every((host) => view(host)?.status === 'passed'), 10_000);
  const due = view(first)!.executesAt!;

  await until('every node to see it executed', () => hosts.every((host) => view(host)?.status === 'executed'), 20_000);
  // Past every node's turn (3 s each), with what anyone wrote gossiped everywhere.
  await until('every turn to be over', () => Date.now() > due + 3 * 3_000 + 1_000, 20_000);
  await until('every node to hold the same records', () => sameState(hosts, dao), 10_000);
  const written = [...ledgerRecords(first.daos.replica(dao)!.doc)].filter((record) => record.record.time >= due);
  assert.equal(written.length, 1, 'one record carried the execution');
  assert.equal(written[0]!.author, turnOrder(executionSubject(due), addresses)[0], 'written by the first in the order');
  assert.equal(first.daos.get(dao).members.find((entry) => entry.address === addresses[2])?.reputation, 5);
});
