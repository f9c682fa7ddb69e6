import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaoSyncStatus } from '../../core/bridge/api.ts';
import { describeJoin, describeSync } from './sync-commands.ts';

const base = DaoSyncStatus.parse({ dao: 'A'.repeat(43), state: 'in-sync', peers: ['peer-1', 'peer-2'], progress: null, lastSyncAt: null, lastError: null, online: [], held: null });

test('`dao peers` words the state as the UI does: a left node is not syncing, and refusing peers are not counted as synced', () => {
  const firstLine = (status: Partial<DaoSyncStatus>) => describeSync({ ...base, ...status }).split('\n')[0];
  assert.equal(firstLine({}), `${base.dao}: in-sync, 2 peers, never synced`);
  assert.equal(firstLine({ state: 'in-sync', refusedBy: ['peer-2'] }), `${base.dao}: in-sync (with 1 of 2 peers; the others refuse this node), 2 peers, never synced`);
  assert.equal(firstLine({ state: 'offline', refusedBy: ['peer-1', 'peer-2'] }), `${base.dao}: offline (every peer refuses this node), 2 peers, never synced`);
  assert.equal(firstLine({ state: 'offline', left: true }), `${base.dao}: not syncing, 2 peers, never synced`);
  assert.equal(firstLine({ state: 'offline', peers: [] }), `${base.dao}: offline, 0 peers, never synced`);
});

test('`dao join` tells a device that is not a member which address to send to a member, or to make an identity first', () => {
  const dao = 'A'.repeat(43);
  const joined = { dao, received: 2, alreadyHeld: false, member: false };
  assert.equal(describeJoin({ ...joined, member: true }, null), `joined ${dao}: 2 envelopes received. You are a member.`);
  assert.match(describeJoin(joined, '0x9858EfFD232B4033E47d90003D41EC34EcaEda94'), /send it to a member \(0x9858EfFD232B4033E47d90003D41EC34EcaEda94\)/);
  assert.match(describeJoin(joined, null), /make an identity \(`daomesh identity create`\) and send its address to a member/);
  assert.equal(describeJoin({ ...joined, received: 0, alreadyHeld: true, member: true }, null), `${dao} is on this node already; nothing new received. You are a member.`);
});
