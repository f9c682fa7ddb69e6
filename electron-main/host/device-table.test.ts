// The device table answers from the fold: whatever order its facts came in, a device is live while a valid
// delegation of it stands that no valid revocation saw, and a node is a member's while such a delegation proved it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { DaoLedger } from '../../core/governance/dao-ledger.ts';
import { buildDeviceDelegation, buildDeviceRevocation, buildGenesis } from '../../core/governance/record-builders.ts';
import { rulePresets } from '../../core/governance/rules.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import { signRecordAsMember, type LedgerRecord } from '../../core/ledger/record.ts';
import { DeviceTable } from './device-table.ts';

const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('device table member')));
const stranger = memberKeyFromPrivateKey(sha256(utf8ToBytes('device table stranger')));
const laptop = ed25519.getPublicKey(sha256(utf8ToBytes('device table laptop')));
const device = `${member.address}:${bytesToHex(laptop)}`;
const start = Date.UTC(2026, 0, 1);
const genesis = signRecordAsMember(
  buildGenesis({ author: member.address, name: 'Devices', charter: '', founders: [member.address], rules: rulePresets.simpleMajority(1), nonce: new Uint8Array(16).fill(9), time: start }),
  member.privateKey,
);
const dao = genesis.id;

function delegation(deps: readonly LedgerRecord[], time: number): LedgerRecord {
  return signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: deps.map((record) => record.id), time }, laptop), member.privateKey);
}

function revocation(deps: readonly LedgerRecord[], time: number, by = member): LedgerRecord {
  return signRecordAsMember(buildDeviceRevocation({ dao, author: by.address, deps: deps.map((record) => record.id), time }, laptop), by.privateKey);
}

/** A table fed the device records in the order given; `nodes` names the node each delegation proved. */
function tableOf(records: readonly LedgerRecord[], nodes: ReadonlyMap<string, string> = new Map()): DeviceTable {
  const table = new DeviceTable();
  for (const record of records) {
    if (record.record.kind === 'device.delegate') table.addDelegation(device, record.id, nodes.get(record.id) ?? null);
    else table.addRevocation(device, record.id);
  }
  return table;
}

test('a revocation revokes the delegation it saw, whichever the table heard of first', () => {
  const delegated = delegation([genesis], start + 1);
  const revoked = revocation([delegated], start + 2);
  const ledger = new DaoLedger(dao);
  ledger.add([genesis, delegated, revoked]);
  const nodes = new Map([[delegated.id, 'node-a']]);
  for (const order of [[delegated, revoked], [revoked, delegated]]) {
    const table = tableOf(order, nodes);
    assert.equal(table.delegationOf(ledger, device), undefined);
    assert.deepEqual(table.nodeOwners(ledger, 'node-a'), []);
  }
  const before = new DaoLedger(dao);
  before.add([genesis, delegated]);
  assert.equal(tableOf([revoked, delegated], nodes).delegationOf(before, device), delegated.id, 'live while the fold does not hold the revocation');
  assert.deepEqual(tableOf([revoked, delegated], nodes).nodeOwners(before, 'node-a'), [member.address]);
});

test('a delegation made after a revocation stands, also against a revocation of the earlier one made concurrently', () => {
  const first = delegation([genesis], start + 1);
  const revoked = revocation([first], start + 2);
  const again = delegation([revoked], start + 3);
  // Saw only the first delegation: valid in its view, it revokes that one, not the one made after `revoked`.
  const concurrent = revocation([first], start + 4);
  const ledger = new DaoLedger(dao);
  ledger.add([genesis, first, revoked, again, concurrent]);
  assert.equal(ledger.verdictOf(concurrent.id)?.ok, true);
  const nodes = new Map([[first.id, 'node-old'], [again.id, 'node-new']]);
  for (const order of [[first, revoked, again, concurrent], [concurrent, again, revoked, first]]) {
    const table = tableOf(order, nodes);
    assert.equal(table.delegationOf(ledger, device), again.id);
    assert.deepEqual(table.nodeOwners(ledger, 'node-new'), [member.address]);
    assert.deepEqual(table.nodeOwners(ledger, 'node-old'), []);
    // Its facts, as a snapshot keeps them, answer the same.
    const restored = DeviceTable.fromFacts(table.facts());
    assert.equal(restored.delegationOf(ledger, device), again.id);
    assert.deepEqual(restored.nodeOwners(ledger, 'node-new'), [member.address]);
  }
  const revokedAgain = revocation([again, concurrent], start + 5);
  ledger.add(revokedAgain);
  assert.equal(tableOf([first, revoked, again, concurrent, revokedAgain], nodes).delegationOf(ledger, device), undefined);
});

test("records the fold does not hold valid count for nothing: a stranger's revocation, a delegation not yet held", () => {
  const delegated = delegation([genesis], start + 1);
  const foreign = revocation([delegated], start + 2, stranger);
  const ledger = new DaoLedger(dao);
  ledger.add([genesis, delegated, foreign]);
  assert.equal(ledger.verdictOf(foreign.id)?.ok, false);
  const table = tableOf([delegated, foreign]);
  assert.equal(table.delegationOf(ledger, device), delegated.id);
  const unheld = delegation([delegated], start + 3);
  table.addDelegation(device, unheld.id, 'node-b');
  assert.deepEqual(table.nodeOwners(ledger, 'node-b'), [], 'a delegation the fold does not hold proves nothing');
  // Once held (a second delegation of the device is valid too), its node is the member's, and of the two live
  // delegations every host names the same one.
  ledger.add(unheld);
  assert.deepEqual(table.nodeOwners(ledger, 'node-b'), [member.address]);
  assert.equal(table.delegationOf(ledger, device), [delegated.id, unheld.id].sort()[0]);
});
