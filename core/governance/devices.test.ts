// Device keys (DESIGN.md §4): a member delegates an Ed25519 key with a member-signed record; records signed
// by that key count only under that delegation, and not after (or concurrently with) its revocation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDeviceDelegation, buildDeviceRevocation } from './record-builders.ts';
import { reasons } from './reasons.ts';
import { simpleMajority } from './rules.ts';
import { actor, day, Scenario, type Actor } from './test-dao.ts';

function dao() {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], { ...simpleMajority(3), votingPeriodMs: day });
  return { scenario, alice, bob, carol };
}

test('a delegated device signs for its member', () => {
  const { scenario, alice } = dao();
  scenario.delegateDevice(alice);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'From my laptop' }, { asDevice: true });
  assert.equal(scenario.evidenceFor(proposal), undefined);
  assert.equal(scenario.proposal(proposal).author, alice.key.address);
});

test('delegations and revocations must be signed by the member key itself', () => {
  const { scenario, alice } = dao();
  const device = scenario.delegateDevice(alice);
  const chained = scenario.write(alice, (context) => buildDeviceDelegation(context, new Uint8Array(32).fill(5)), { asDevice: true });
  assert.equal(scenario.evidenceFor(chained), reasons.memberKeyOnly);
  const revoke = scenario.write(alice, (context) => buildDeviceRevocation(context, device.publicKey), { asDevice: true });
  assert.equal(scenario.evidenceFor(revoke), reasons.memberKeyOnly);
});

test('a device another member delegated cannot sign for you', () => {
  const { scenario, alice, bob } = dao();
  const device = scenario.delegateDevice(alice);
  const impostor = { ...bob, device };
  const record = scenario.propose(impostor, { kind: 'signal', params: { text: '' }, title: 'Not mine' }, { asDevice: true });
  assert.equal(scenario.evidenceFor(record), reasons.deviceNotDelegated);
});

test('after a revocation the device signs nothing; what it signed concurrently (a stolen key) loses too', () => {
  const { scenario, alice } = dao();
  const device = scenario.delegateDevice(alice);
  const beforeRevocation = scenario.ledger.heads();
  scenario.write(alice, (context) => buildDeviceRevocation(context, device.publicKey));
  const after = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'After' }, { asDevice: true });
  assert.equal(scenario.evidenceFor(after), reasons.deviceRevoked);
  const thief = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Thief' }, { asDevice: true, deps: beforeRevocation });
  assert.equal(scenario.evidenceFor(thief), reasons.concurrentWithRevocation);
  assert.equal(scenario.proposal(thief).status, 'withdrawn');
  // A new delegation signs again from there on.
  scenario.delegateDevice(alice);
  const fresh = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'New delegation' }, { asDevice: true });
  assert.equal(scenario.evidenceFor(fresh), undefined);
});

test('a revocation counts only for a device its author delegated and had not revoked in its view; others are evidence', () => {
  const { scenario, alice, bob } = dao();
  const never = scenario.write(alice, (context) => buildDeviceRevocation(context, new Uint8Array(32).fill(7)));
  assert.deepEqual(scenario.ledger.verdictOf(never.id), { ok: false, reason: reasons.revokesUndelegated });
  assert.equal(scenario.evidenceFor(never), reasons.revokesUndelegated);
  const device = scenario.delegateDevice(alice);
  const notTheirs = scenario.write(bob, (context) => buildDeviceRevocation(context, device.publicKey));
  assert.equal(scenario.evidenceFor(notTheirs), reasons.revokesUndelegated);
  // Bob's revocation changed nothing: Alice's device still signs.
  const signed = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Still mine' }, { asDevice: true });
  assert.equal(scenario.evidenceFor(signed), undefined);
  const revoke = scenario.write(alice, (context) => buildDeviceRevocation(context, device.publicKey));
  assert.equal(scenario.evidenceFor(revoke), undefined);
  const again = scenario.write(alice, (context) => buildDeviceRevocation(context, device.publicKey));
  assert.equal(scenario.evidenceFor(again), reasons.revokesRevoked);
  // The same key delegated again can be revoked again.
  scenario.write(alice, (context) => buildDeviceDelegation(context, device.publicKey));
  const second = scenario.write(alice, (context) => buildDeviceRevocation(context, device.publicKey));
  assert.equal(scenario.evidenceFor(second), undefined);
});
