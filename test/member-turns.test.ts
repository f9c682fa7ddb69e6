// Three real hosts (libp2p on 127.0.0.1, gossip, the host's presence) in one DAO. Records any current member's
// node could write are written by one, the first node in the turn order (by peer id) among those online
// (DaoService, turnOrder): the record that executes a passed proposal once its grace period is over, and the
// group key of the membership epoch a removal starts (group-keys.ts).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { BridgeParams } from '../core/bridge/api.ts';
import { ledgerRecords } from '../core/dao/dao-doc.ts';
import { executionSubject, turnOrder } from '../electron-main/host/dao-service.ts';
import { GroupKeys, groupKeySubject } from '../electron-main/host/group-keys.ts';
import { sameState, startHostMesh, until, type HostMesh } from './fixtures/host-mesh.ts';

let mesh: HostMesh | undefined;

after(async () => {
  await mesh?.stop();
});

type MeshHost = HostMesh['hosts'][number];

/** Proposes on the first host, every host votes yes and signs the tally in turn until it passed; gives the proposal's view. */
async function pass(hosts: readonly MeshHost[], dao: string, title: string, params: BridgeParams<'dao.propose'>['params']) {
  const [first] = hosts as [MeshHost];
  const { proposal } = await first.call('dao.propose', { dao, title, params });
  const view = (host: MeshHost) => host.daos.get(dao).proposals.find((entry) => entry.id === proposal);
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
  return view;
}

/** The member whose node comes first in the turns at `subject` among `hosts` (nodes take turns by peer id). */
function firstInOrder(hosts: readonly MeshHost[], addresses: readonly string[], subject: string): string {
  const first = turnOrder(subject, hosts.map((host) => host.peerId))[0];
  return addresses[hosts.findIndex((host) => host.peerId === first)]!;
}

/** How many members have a box of the current epoch's group key in the host's ledger. */
function boxedMembers(host: MeshHost, dao: string): number {
  const replica = host.daos.replica(dao)!;
  const epoch = GroupKeys.epochOf(replica);
  const boxed = new Set<string>();
  for (const record of ledgerRecords(replica.doc)) {
    const { kind, body } = record.record;
    if (kind !== 'group.key' || bytesToHex(body.epoch as Uint8Array) !== epoch) continue;
    for (const box of body.boxes as { member: Uint8Array }[]) boxed.add(bytesToHex(box.member));
  }
  return boxed.size;
}

test('the members\' online nodes take turns: one record executes a passed grant, by the first in the order', async () => {
  mesh = await startHostMesh(3, { votingPeriodMs: 4_000, gracePeriodMs: 2_000 });
  const { hosts, dao, addresses } = mesh;
  const [first] = hosts as [MeshHost];
  const onlineEverywhere = async () => (await Promise.all(hosts.map((host) => host.call('dao.peers', { dao })))).every((status) => status.online.length === 3);
  await until('every node to see the others online', onlineEverywhere, 30_000);
  // Boxes of the group key for the members who joined come in turns too; a record written after the due time
  // would execute the grant as well.
  // A box waits for its member's public key (from their first record) and then for a holder's turn: on a loaded
  // machine that took over 30 s once in CI.
  await until('every member to have a box of the group key', () => hosts.every((host) => boxedMembers(host, dao) === addresses.length), 60_000);
  const view = await pass(hosts, dao, 'Thanks', { kind: 'reputation.grant', member: addresses[2]!, points: 5 });
  const due = view(first)!.executesAt!;

  await until('every node to see it executed', () => hosts.every((host) => view(host)?.status === 'executed'), 20_000);
  // Past every node's turn (3 s each), with what anyone wrote gossiped everywhere.
  await until('every turn to be over', () => Date.now() > due + 3 * 3_000 + 1_000, 20_000);
  await until('every node to hold the same records', () => sameState(hosts, dao), 10_000);
  const written = [...ledgerRecords(first.daos.replica(dao)!.doc)].filter((record) => record.record.time >= due);
  assert.equal(written.length, 1, 'one record carried the execution');
  assert.equal(written[0]!.author, firstInOrder(hosts, addresses, executionSubject(due)), "written by the first node's member in the order");
  assert.equal(first.daos.get(dao).members.find((entry) => entry.address === addresses[2])?.reputation, 5);
});

test('a removal starts a new membership epoch, and one node, the first in the order, writes its group key', async () => {
  const { hosts, dao, addresses } = mesh!;
  const [first] = hosts as [MeshHost];
  const view = await pass(hosts, dao, 'Goodbye', { kind: 'member.remove', member: addresses[2]! });
  // The removed member's node is no longer served: the two others are the DAO now.
  const remaining = hosts.slice(0, 2);
  await until('the remaining nodes to see it executed', () => remaining.every((host) => view(host)?.status === 'executed'), 20_000);
  const epoch = GroupKeys.epochOf(first.daos.replica(dao)!)!;
  const keyRecords = () => [...ledgerRecords(first.daos.replica(dao)!.doc)].filter((record) => record.record.kind === 'group.key' && bytesToHex(record.record.body.epoch as Uint8Array) === epoch);
  await until("the new epoch's key", () => keyRecords().length > 0, 20_000);
  // Past both remaining members' turns (3 s each), with what anyone wrote gossiped everywhere.
  const since = Date.now();
  await until('every turn to be over', () => Date.now() > since + 2 * 3_000 + 1_000, 20_000);
  await until('the remaining nodes to hold the same records', () => sameState(remaining, dao), 10_000);
  const written = keyRecords();
  assert.equal(written.length, 1, 'one group.key record for the new epoch');
  assert.equal(written[0]!.author, firstInOrder(remaining, addresses, groupKeySubject(dao, epoch, null)), "written by the first node's member in the order");
});
