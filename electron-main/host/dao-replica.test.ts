// A DAO replica on disk: a cold open takes the fold back from its snapshot and ends where a full re-verify of
// the log does; a snapshot whose fold cannot be taken back, or of the earlier format, is folded again from its
// doc; what came after the last snapshot comes back from the log.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { base64urlnopad } from '@scure/base';
import * as Y from 'yjs';
import { DaomeshError } from '../../core/errors.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { daoText, ledgerEntries } from '../../core/dao/dao-doc.ts';
import { deviceSealer, memberSealer, sealEnvelopeAsMember } from '../../core/dao/envelope.ts';
import { buildDeviceDelegation, buildDeviceRevocation, buildGenesis, buildProposal, buildVote } from '../../core/governance/record-builders.ts';
import { rulePresets } from '../../core/governance/rules.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import { addressBytes, recordHashFromId, signRecordAsDevice, signRecordAsMember } from '../../core/ledger/record.ts';
import { nodeClaimMessage } from '../../core/dao/device-delegation.ts';
import type { Ed25519Verify } from '../../core/ledger/verifier.ts';
import { DaoReplica } from './dao-replica.ts';
import { heldEnvelopes } from './test-services.ts';
import { EnvelopeIndex } from './envelope-index.ts';
import { EnvelopeLog, StorageError } from './envelope-log.ts';
import { createNativeEd25519Signer, createNativeEd25519Verify } from './native-ed25519.ts';
import { SnapshotStore } from './snapshot-store.ts';

const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh replica test member')));
const device = createNativeEd25519Signer(sha256(utf8ToBytes('daomesh replica test device')));
const verify = createNativeEd25519Verify();
const start = Date.UTC(2026, 0, 1);
const hour = 3600 * 1000;

/** A new DAO of one member in `dir`, written through the host's local path: genesis, delegation, a proposal, `votes` votes. */
async function writeDao(dir: string, votes: number): Promise<{ dao: string; replica: DaoReplica }> {
  const genesis = signRecordAsMember(
    buildGenesis({ author: member.address, name: 'Replica test', charter: '', founders: [member.address], rules: rulePresets.simpleMajority(1), nonce: new Uint8Array(16).fill(7), time: start }),
    member.privateKey,
  );
  const dao = genesis.id;
  const { replica } = await DaoReplica.open(dir, dao, verify);
  const delegation = signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: [dao], time: start + 1 }, device.publicKey), member.privateKey);
  await replica.writeLocal([genesis, delegation], memberSealer(dao, member));
  const proposal = signRecordAsDevice(buildProposal(deviceContext(replica), { kind: 'signal', params: { text: '' }, title: 'p' }), device.sign);
  await replica.writeLocal([proposal], deviceSeal(replica));
  await writeVotes(replica, votes);
  return { dao, replica };
}

function deviceContext(replica: DaoReplica) {
  const delegation = replica.delegationOf(member.address, device.publicKey)!;
  return { dao: replica.id, author: member.address, deps: replica.ledger.heads(), time: start + replica.ledger.size, device: { key: device.publicKey, delegation } };
}

function deviceSeal(replica: DaoReplica) {
  const delegation = recordHashFromId(replica.delegationOf(member.address, device.publicKey)!);
  return deviceSealer(replica.id, member.address, { key: device.publicKey, delegation }, device.sign);
}

/** `count` votes on the DAO's proposal, one envelope each, through any replica of it (opened anew or not). */
async function writeVotes(replica: DaoReplica, count: number): Promise<void> {
  const proposal = replica.ledger.state(start).proposals[0]!.id;
  for (let i = 0; i < count; i++) {
    const vote = signRecordAsDevice(buildVote(deviceContext(replica), { proposal, choice: i % 2 === 0 ? 'yes' : 'no' }), device.sign);
    await replica.writeLocal([vote], deviceSeal(replica));
  }
}

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-replica-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Parts = { meta: Uint8Array; fold: Uint8Array; doc: Uint8Array };

/** Rewrites the newest snapshot's parts (the checksums are made anew: a snapshot that reads back fine). */
async function rewriteSnapshot(dir: string, dao: string, change: (parts: Parts) => Uint8Array | Uint8Array[]): Promise<void> {
  const store = await SnapshotStore.open(join(DaoReplica.directory(dir, dao), 'snapshots'));
  const { snapshot } = await store.loadNewestParts(3);
  assert.ok(snapshot && snapshot.count === 3);
  const [meta, fold, doc] = snapshot.parts as [Uint8Array, Uint8Array, Uint8Array];
  await store.save({ logId: snapshot.logId, logOffset: snapshot.logOffset, frameCount: snapshot.frameCount, payload: change({ meta, fold, doc }) });
}

/** A snapshot's meta part saying that the fold waits for a record only the doc holds: the open builds the doc at once. */
function foldWaitingForDoc(meta: Uint8Array): Uint8Array {
  return dagCbor.encode({ ...(dagCbor.decode(meta) as object), pending: 1 });
}

test("a snapshot of the previous version (4: no held records in its meta) is still taken back, fold and all", async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 10);
    const hash = replica.ledger.stateHash();
    await replica.close();
    await rewriteSnapshot(dir, dao, ({ meta, fold, doc }) => {
      const { held, ...earlier } = dagCbor.decode(meta) as { held: unknown[] };
      assert.deepEqual(held, []);
      return [dagCbor.encode({ ...earlier, v: 4 }), fold, doc];
    });
    const opened = await DaoReplica.open(dir, dao, verify);
    assert.deepEqual(opened.report, { fromSnapshot: true, foldFromSnapshot: true, replayed: 0, rejected: 0 });
    assert.equal(opened.replica.ledger.stateHash(), hash);
    assert.equal(opened.replica.docBuilt, false);
    await opened.replica.close();
  });
});

test('a cold open takes the fold back from the snapshot and ends where a full re-verify of the log does', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 40);
    const hash = replica.ledger.stateHash();
    await replica.close();

    const warm = await DaoReplica.open(dir, dao, verify);
    assert.deepEqual(warm.report, { fromSnapshot: true, foldFromSnapshot: true, replayed: 0, rejected: 0 });
    assert.equal(warm.replica.ledger.stateHash(), hash);
    assert.equal(warm.replica.ledger.size, 43);
    assert.ok(warm.replica.isMember(member.address));
    assert.ok(warm.replica.delegationOf(member.address, device.publicKey));
    await warm.replica.close();

    // More writes on top of the imported fold (the doc is built from the snapshot for them), then both ways again.
    const again = await DaoReplica.open(dir, dao, verify);
    await writeVotes(again.replica, 10);
    const after = again.replica.ledger.stateHash();
    assert.equal(again.replica.ledger.size, 43 + 10);
    await again.replica.close();
    const reopened = await DaoReplica.open(dir, dao, verify);
    assert.equal(reopened.report.foldFromSnapshot, true);
    assert.equal(reopened.replica.ledger.stateHash(), after);
    await reopened.replica.close();
    await rm(join(DaoReplica.directory(dir, dao), 'snapshots'), { recursive: true });
    const full = await DaoReplica.open(dir, dao, verify);
    assert.deepEqual(full.report, { fromSnapshot: false, foldFromSnapshot: false, replayed: 1 + 1 + 40 + 10, rejected: 0 });
    assert.equal(full.replica.ledger.stateHash(), after);
    assert.deepEqual(full.replica.ledger.canonicalOrder(), reopened.replica.ledger.canonicalOrder());
    await full.replica.close();
  });
});

test('a snapshot whose fold cannot be taken back is folded again from its doc, losing nothing', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 20);
    const hash = replica.ledger.stateHash();
    await replica.close();
    for (const damage of [
      (fold: Uint8Array) => dagCbor.encode({ ...(dagCbor.decode(fold) as object), rules: 999 }), // folded under other rules
      (fold: Uint8Array) => fold.subarray(0, fold.length >> 1), // cut short
      (fold: Uint8Array) => fold.map((byte, at) => (at > 40 && at % 3 === 0 ? byte ^ 0xff : byte)), // scrambled
    ]) {
      await rewriteSnapshot(dir, dao, (parts) => [parts.meta, damage(parts.fold), parts.doc]);
      const opened = await DaoReplica.open(dir, dao, verify);
      assert.equal(opened.report.fromSnapshot, true);
      assert.equal(opened.report.foldFromSnapshot, false);
      assert.equal(opened.replica.ledger.stateHash(), hash);
      assert.ok(opened.replica.delegationOf(member.address, device.publicKey));
      // Unchanged since the snapshot, so close writes nothing new: the damaged one stays for the next round.
      await opened.replica.close();
    }
  });
});

test('an open that fails closes the log it opened', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 5);
    const hash = replica.ledger.stateHash();
    await replica.close();
    // A snapshot that says the fold waits for records only its doc holds, and a doc part (its last) damaged on disk:
    // the open must build the doc, and fails (the store sets the snapshot aside, so a later open does without it).
    await rewriteSnapshot(dir, dao, (parts) => [foldWaitingForDoc(parts.meta), parts.fold, parts.doc]);
    const snapshots = join(DaoReplica.directory(dir, dao), 'snapshots');
    const files = await readdir(snapshots);
    assert.ok(files.length > 0);
    for (const name of files) {
      const bytes = await readFile(join(snapshots, name));
      bytes[bytes.length - 1]! ^= 0x01;
      await writeFile(join(snapshots, name), bytes);
    }
    const descriptors = async () => (await readdir('/dev/fd')).length; // this process's open files (Linux, macOS)
    const before = await descriptors();
    await assert.rejects(DaoReplica.open(dir, dao, verify), { code: 'STORAGE_FAILED' });
    assert.equal(await descriptors(), before);
    const { replica: again } = await DaoReplica.open(dir, dao, verify);
    assert.equal(again.ledger.stateHash(), hash);
    await again.close();
  });
});

test('records the snapshot\'s doc holds and its fold does not are taken into the fold when the doc is built', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 5);
    await replica.close();
    const store = await SnapshotStore.open(join(DaoReplica.directory(dir, dao), 'snapshots'));
    const older = (await store.loadNewestParts(3)).snapshot!.parts[1]!.slice();
    const { replica: more } = await DaoReplica.open(dir, dao, verify);
    await writeVotes(more, 4);
    const hash = more.ledger.stateHash();
    await more.close();
    // The fold of 8 records beside the doc of 12 (a meta that says nothing waits): as a fold would be that missed records.
    await rewriteSnapshot(dir, dao, (parts) => [parts.meta, older, parts.doc]);
    const { replica: opened } = await DaoReplica.open(dir, dao, verify);
    assert.equal(opened.ledger.size, 8);
    void opened.doc;
    assert.equal(opened.ledger.size, 12);
    assert.equal(opened.ledger.stateHash(), hash);
    await opened.close();
  });
});

test('a snapshot whose doc part checks out but does not apply is set aside, and the DAO opens without it', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 5);
    const hash = replica.ledger.stateHash();
    await replica.close();
    const snapshots = join(DaoReplica.directory(dir, dao), 'snapshots');
    await rm(snapshots, { recursive: true });
    const { replica: snapshotted } = await DaoReplica.open(dir, dao, verify); // from the log; its close snapshots
    await snapshotted.close();
    const garbled = (doc: Uint8Array) => doc.map((byte, at) => (at > 8 ? byte ^ 0x5a : byte));
    // The fold taken from the snapshot, and the doc built from it at once (the fold waits for records only the
    // doc holds): the open fails with a clear error, and the next one does without that snapshot (the older one).
    await rewriteSnapshot(dir, dao, (parts) => [foldWaitingForDoc(parts.meta), parts.fold, garbled(parts.doc)]);
    await assert.rejects(DaoReplica.open(dir, dao, verify), { code: 'STORAGE_FAILED', message: /could not be read back/ });
    const again = await DaoReplica.open(dir, dao, verify);
    assert.equal(again.replica.ledger.stateHash(), hash);
    assert.equal([...ledgerEntries(again.replica.doc)].length, again.replica.ledger.size);
    await again.replica.close();
    // A fold this version cannot take, so the doc is folded again: the open goes on from the log.
    await rewriteSnapshot(dir, dao, (parts) => [parts.meta, dagCbor.encode({ ...(dagCbor.decode(parts.fold) as object), rules: 999 }), garbled(parts.doc)]);
    const refolded = await DaoReplica.open(dir, dao, verify);
    assert.equal(refolded.report.fromSnapshot, false);
    assert.equal(refolded.replica.ledger.stateHash(), hash);
    assert.equal([...ledgerEntries(refolded.replica.doc)].length, refolded.replica.ledger.size);
    await refolded.replica.close();
    assert.ok((await readdir(snapshots)).some((name) => name.endsWith('.damaged')));
  });
});

test('a snapshot of the earlier format (the doc state alone) still opens, and the next one is of the new format', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 20);
    const hash = replica.ledger.stateHash();
    await replica.close();
    await rewriteSnapshot(dir, dao, (parts) => parts.doc); // one part: the first format
    const opened = await DaoReplica.open(dir, dao, verify);
    assert.equal(opened.report.fromSnapshot, true);
    assert.equal(opened.report.foldFromSnapshot, false);
    assert.equal(opened.replica.ledger.stateHash(), hash);
    await writeVotes(opened.replica, 5);
    await opened.replica.close();
    const next = await DaoReplica.open(dir, dao, verify);
    assert.equal(next.report.foldFromSnapshot, true);
    await next.replica.close();
  });
});

test('records written after the last snapshot come back from the log when the replica was not closed', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 1_050); // a snapshot at 1,000 records, then 53 more
    const snapshots = await readdir(join(DaoReplica.directory(dir, dao), 'snapshots'));
    assert.equal(snapshots.length, 1);
    const opened = await DaoReplica.open(dir, dao, verify);
    assert.equal(opened.report.foldFromSnapshot, true);
    assert.ok(opened.report.replayed > 0 && opened.report.replayed < 100, `replayed ${opened.report.replayed}`);
    assert.equal(opened.report.rejected, 0);
    assert.equal(opened.replica.ledger.size, replica.ledger.size);
    assert.equal(opened.replica.ledger.stateHash(), replica.ledger.stateHash());
    await opened.replica.close();
    await replica.close();
  });
});

test('a doc part damaged after the open is refused when first needed, and the next open does without that snapshot', async () => {
  await withDir(async (dir) => {
    const { dao, replica } = await writeDao(dir, 20);
    const hash = replica.ledger.stateHash();
    await replica.close();
    const opened = await DaoReplica.open(dir, dao, verify);
    assert.equal(opened.report.foldFromSnapshot, true);
    // Bit rot in the doc part (the end of the file), after the open read the other parts.
    const snapshots = join(DaoReplica.directory(dir, dao), 'snapshots');
    const [file] = await readdir(snapshots);
    const bytes = await readFile(join(snapshots, file!));
    bytes[bytes.length - 3]! ^= 0x10;
    await writeFile(join(snapshots, file!), bytes);
    assert.throws(() => opened.replica.doc, (error: unknown) => error instanceof DaomeshError && error.code === 'STORAGE_FAILED');
    assert.throws(() => opened.replica.doc, (error: unknown) => error instanceof DaomeshError && error.code === 'STORAGE_FAILED');
    assert.equal(opened.replica.ledger.stateHash(), hash); // the fold itself is fine
    await opened.replica.close();
    const again = await DaoReplica.open(dir, dao, verify);
    assert.deepEqual(again.report, { fromSnapshot: false, foldFromSnapshot: false, replayed: 1 + 1 + 20, rejected: 0 });
    assert.equal(again.replica.ledger.stateHash(), hash);
    await again.replica.close();
  });
});

test('the node a delegation names is known after a cold open from the snapshot, and forgotten with the delegation when the device is revoked', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-replica-'));
  try {
    // A libp2p Ed25519 peer id: the identity multihash of the protobuf-encoded public key.
    const libp2pKey = createNativeEd25519Signer(sha256(utf8ToBytes('a libp2p node')));
    const node = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...libp2pKey.publicKey);
    const nodeKey = Buffer.from(node).toString('base64url');
    const { dao, replica } = await writeDao(dir, 3);
    const laptop = createNativeEd25519Signer(sha256(utf8ToBytes('second device')));
    const proof = libp2pKey.sign(nodeClaimMessage(recordHashFromId(dao), addressBytes(member.address), laptop.publicKey));
    // Named without the node's signature, it is not taken; with it, it is.
    const unproven = signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: replica.ledger.heads(), time: start + 90 }, createNativeEd25519Signer(sha256(utf8ToBytes('third device'))).publicKey, node), member.privateKey);
    await replica.writeLocal([unproven], memberSealer(dao, member));
    assert.deepEqual(replica.nodeOwners(nodeKey), []);
    const delegate = signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: replica.ledger.heads(), time: start + 100 }, laptop.publicKey, node, proof), member.privateKey);
    await replica.writeLocal([delegate], memberSealer(dao, member));
    assert.deepEqual(replica.nodeOwners(nodeKey), [member.address]);
    assert.equal(replica.delegationOf(member.address, laptop.publicKey), delegate.id);
    await replica.close(); // saves a snapshot

    const warm = await DaoReplica.open(dir, dao, verify);
    assert.equal(warm.report.foldFromSnapshot, true);
    assert.deepEqual(warm.replica.nodeOwners(nodeKey), [member.address], 'known without decoding the doc');
    const revoke = signRecordAsMember(buildDeviceRevocation({ dao, author: member.address, deps: warm.replica.ledger.heads(), time: start + 200 }, laptop.publicKey), member.privateKey);
    await warm.replica.writeLocal([revoke], memberSealer(dao, member));
    assert.deepEqual(warm.replica.nodeOwners(nodeKey), []);
    assert.equal(warm.replica.delegationOf(member.address, laptop.publicKey), undefined, 'a revoked device signs no invite');
    await warm.replica.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a revocation that arrives before the delegation it revokes still revokes it: live, after a cold open, and after a refold from the doc', async () => {
  await withDir(async (dir) => {
    const libp2pKey = createNativeEd25519Signer(sha256(utf8ToBytes('a libp2p node')));
    const node = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...libp2pKey.publicKey);
    const nodeKey = Buffer.from(node).toString('base64url');
    const { dao, replica: source } = await writeDao(join(dir, 'source'), 1);
    // A second device of the member's, which seals the revocation: its Yjs client is not the first device's, so
    // a peer may get the revocation's envelope first.
    const second = createNativeEd25519Signer(sha256(utf8ToBytes('daomesh replica test second device')));
    const secondDelegation = signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: source.ledger.heads(), time: start + 80 }, second.publicKey), member.privateKey);
    await source.writeLocal([secondDelegation], memberSealer(dao, member));
    const laptop = createNativeEd25519Signer(sha256(utf8ToBytes('daomesh replica test laptop')));
    const proof = libp2pKey.sign(nodeClaimMessage(recordHashFromId(dao), addressBytes(member.address), laptop.publicKey));
    const delegate = signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: source.ledger.heads(), time: start + 90 }, laptop.publicKey, node, proof), member.privateKey);
    await source.writeLocal([delegate], deviceSeal(source));
    const revoke = signRecordAsMember(buildDeviceRevocation({ dao, author: member.address, deps: source.ledger.heads(), time: start + 100 }, laptop.publicKey), member.privateKey);
    await source.writeLocal([revoke], deviceSealer(dao, member.address, { key: second.publicKey, delegation: recordHashFromId(secondDelegation.id) }, second.sign));
    const envelopes = await heldEnvelopes(source);
    await source.close();
    const [delegateEnvelope, revokeEnvelope] = envelopes.slice(-2) as [Uint8Array, Uint8Array];

    const { replica } = await DaoReplica.open(join(dir, 'peer'), dao, verify);
    for (const outcome of await replica.acceptRemoteMany(envelopes.slice(0, -2))) assert.ok(outcome.ok);
    assert.ok((await replica.acceptRemote(revokeEnvelope)).ok); // the fold waits for the delegation it names
    assert.ok((await replica.acceptRemote(delegateEnvelope)).ok);
    assert.equal(replica.ledger.verdictOf(revoke.id)?.ok, true);
    assert.equal(replica.delegationOf(member.address, laptop.publicKey), undefined);
    assert.deepEqual(replica.nodeOwners(nodeKey), []);
    assert.equal(replica.delegationOf(member.address, second.publicKey), secondDelegation.id);
    await replica.close();

    const warm = await DaoReplica.open(join(dir, 'peer'), dao, verify);
    assert.equal(warm.report.foldFromSnapshot, true);
    assert.equal(warm.replica.delegationOf(member.address, laptop.publicKey), undefined);
    assert.deepEqual(warm.replica.nodeOwners(nodeKey), []);
    await warm.replica.close();
    // A fold this version cannot take back (after an upgrade): the device records are read from the doc, which
    // lists them by Yjs client, not in the order they were written.
    await rewriteSnapshot(join(dir, 'peer'), dao, (parts) => [parts.meta, dagCbor.encode({ ...(dagCbor.decode(parts.fold) as object), rules: 999 }), parts.doc]);
    const refolded = await DaoReplica.open(join(dir, 'peer'), dao, verify);
    assert.equal(refolded.report.foldFromSnapshot, false);
    assert.equal(refolded.replica.delegationOf(member.address, laptop.publicKey), undefined);
    assert.deepEqual(refolded.replica.nodeOwners(nodeKey), []);
    await refolded.replica.close();
  });
});

test('a catch-up frame is folded once at its end, yet an author admitted earlier in the frame is let in', async () => {
  await withDir(async (dir) => {
    // Two founders. B's envelopes are let in only because of the genesis earlier in the same frame, whose fold is
    // put off to the frame's end.
    const other = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh replica test second founder')));
    const otherDevice = createNativeEd25519Signer(sha256(utf8ToBytes('daomesh replica test second device')));
    const genesis = signRecordAsMember(
      buildGenesis({ author: member.address, name: 'Two', charter: '', founders: [member.address, other.address], rules: rulePresets.simpleMajority(2), nonce: new Uint8Array(16).fill(9), time: start }),
      member.privateKey,
    );
    const dao = genesis.id;
    const sealedBy = (author: string, signer: typeof device, delegation: string) =>
      deviceSealer(dao, author, { key: signer.publicKey, delegation: recordHashFromId(delegation) }, signer.sign);
    const frame: Uint8Array[] = [];
    const { replica: a } = await DaoReplica.open(join(dir, 'a'), dao, verify);
    a.onAppend((appended) => frame.push(appended.bytes));
    const delegationA = signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: [dao], time: start + 1 }, device.publicKey), member.privateKey);
    await a.writeLocal([genesis, delegationA], sealedBy(member.address, device, delegationA.id));
    const { replica: b } = await DaoReplica.open(join(dir, 'b'), dao, verify);
    assert.ok((await b.acceptRemote(frame[0]!)).ok);
    b.onAppend((appended) => appended.origin === 'local' && frame.push(appended.bytes));
    const delegationB = signRecordAsMember(buildDeviceDelegation({ dao, author: other.address, deps: b.ledger.heads(), time: start + 2 }, otherDevice.publicKey), other.privateKey);
    await b.writeLocal([delegationB], sealedBy(other.address, otherDevice, delegationB.id));
    const context = { dao, author: other.address, deps: b.ledger.heads(), time: start + 3, device: { key: otherDevice.publicKey, delegation: delegationB.id } };
    await b.writeLocal([signRecordAsDevice(buildProposal(context, { kind: 'signal', params: { text: '' }, title: 'p' }), otherDevice.sign)], sealedBy(other.address, otherDevice, delegationB.id));
    await a.close();
    await b.close();
    assert.equal(frame.length, 3);

    const { replica: c } = await DaoReplica.open(join(dir, 'c'), dao, verify);
    const stranger = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh replica test stranger')));
    const foreign = sealEnvelopeAsMember(dao, new Uint8Array([0]), stranger).bytes;
    const outcomes = await c.acceptRemoteMany([...frame, foreign]);
    assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, true, true, false]);
    assert.equal(c.ledger.size, 4);
    assert.equal(c.ledger.state(start + 3).proposals.length, 1);
    // A frame is one Yjs transaction: a refusal in its middle leaves the envelopes around it as they would be alone.
    const { replica: d } = await DaoReplica.open(join(dir, 'd'), dao, verify);
    const middle = await d.acceptRemoteMany([frame[0]!, foreign, frame[1]!, frame[0]!, frame[2]!]);
    // (An envelope taken twice writes clocks the doc holds already: refused, as it is outside a frame.)
    assert.deepEqual(middle.map((outcome) => (outcome.ok ? true : outcome.reason.code)), [true, 'NOT_A_MEMBER', true, 'CLOCK_CONFLICT', true]);
    assert.equal(d.ledger.stateHash(), c.ledger.stateHash());
    assert.deepEqual(Y.encodeStateVector(d.doc), Y.encodeStateVector(c.doc));
    assert.deepEqual([...ledgerEntries(d.doc)].map(([id]) => id).sort(), [...ledgerEntries(c.doc)].map(([id]) => id).sort());
    await d.close();
    await c.close();
    // The replay on open folds in runs as well, and ends in the same state.
    const { replica: again, report } = await DaoReplica.open(join(dir, 'c'), dao, verify);
    assert.equal(again.ledger.size, 4);
    assert.equal(report.rejected, 0);
    await again.close();
  });
});

test("a catch-up frame's envelopes are kept as the gate's copies, so nothing keeps the frame alive", async () => {
  await withDir(async (dir) => {
    const sent: Uint8Array[] = [];
    const { dao, replica: a } = await writeDao(join(dir, 'a'), 0);
    a.onAppend((appended) => sent.push(appended.bytes));
    await writeVotes(a, 5);
    const { replica: b } = await DaoReplica.open(join(dir, 'b'), dao, verify);
    // The envelopes before the votes, one by one; the votes as a frame, one buffer with each envelope a view of it.
    const votes = new Set(sent.map((vote) => EnvelopeIndex.idOf(vote)));
    for (const bytes of await heldEnvelopes(a)) if (!votes.has(EnvelopeIndex.idOf(bytes))) assert.ok((await b.acceptRemote(bytes)).ok);
    await a.close();
    await b.envelopeIndex(); // built first: the frame's envelopes are added to it as they are stored
    const kept: Uint8Array[] = [];
    b.onAppend((appended) => kept.push(appended.bytes));
    const frame = new Uint8Array(sent.reduce((sum, bytes) => sum + bytes.length, 0) + 16);
    const views = sent.map((bytes, i) => {
      const at = sent.slice(0, i).reduce((sum, earlier) => sum + earlier.length, 0);
      frame.set(bytes, at);
      return frame.subarray(at, at + bytes.length);
    });
    const outcomes = await b.acceptRemoteMany([...views, frame.subarray(frame.length - 16)]);
    assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, true, true, true, true, false]);
    assert.equal(kept.length, 5);
    const stored = await heldEnvelopes(b, views.map((view) => base64urlnopad.decode(EnvelopeIndex.idOf(view))));
    assert.equal(stored.length, 5);
    for (const bytes of [...stored, ...kept, ...outcomes.flatMap((outcome) => (outcome.ok ? [outcome.bytes] : []))]) {
      assert.notEqual(bytes.buffer, frame.buffer);
    }
    assert.deepEqual(stored, sent);
    await b.close();
  });
});

/** `count` votes on the DAO's proposal, each on top of the one before, in envelopes of up to 250 records. */
async function writeVoteBatches(replica: DaoReplica, count: number): Promise<void> {
  const proposal = replica.ledger.state(start).proposals[0]!.id;
  for (let written = 0; written < count; ) {
    const batch = [];
    let deps = replica.ledger.heads();
    for (let i = 0; i < Math.min(250, count - written); i++) {
      const context = { ...deviceContext(replica), deps, time: start + replica.ledger.size + i };
      const vote = signRecordAsDevice(buildVote(context, { proposal, choice: i % 2 === 0 ? 'yes' : 'no' }), device.sign);
      batch.push(vote);
      deps = [vote.id];
    }
    await replica.writeLocal(batch, deviceSeal(replica));
    written += batch.length;
  }
}

test('while records pour in, a due snapshot waits for a pause after the last one, and is taken once the pause is over', async () => {
  await withDir(async (dir) => {
    const { dao, replica: source } = await writeDao(join(dir, 'source'), 0);
    await writeVoteBatches(source, 2_300);
    await source.close();
    // The source's envelopes (of up to 250 records), each a catch-up frame of its own.
    const log = await EnvelopeLog.open(join(DaoReplica.directory(join(dir, 'source'), dao), 'envelopes.log'));
    const envelopes: Uint8Array[] = [];
    for await (const frame of log.frames()) envelopes.push(frame);
    await log.close();
    // A pause far longer than the test (a million times the last snapshot's duration), and its timer moved
    // by the test (a due snapshot is put off a minute at most).
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { replica } = await DaoReplica.open(join(dir, 'target'), dao, verify, { snapshotPause: 1e6 });
      for (const envelope of envelopes) for (const outcome of await replica.acceptRemoteMany([envelope])) assert.ok(outcome.ok);
      assert.equal(replica.ledger.size, 2_303);
      // Due at 1,000 records and again at 2,000: the first taken at once, the second put off (no time passed).
      assert.equal(replica.snapshotsTaken, 1);
      const before = await DaoReplica.open(join(dir, 'target'), dao, verify);
      assert.ok(before.report.replayed > 0, 'records after the first snapshot come from the log');
      await before.replica.close();

      mock.timers.tick(60_000);
      for (let turn = 0; replica.snapshotsTaken < 2 && turn < 10_000; turn++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(replica.snapshotsTaken, 2, 'the put-off snapshot is taken when its pause is over, with no write to prompt it');
      // As after a crash (the replica is not closed): everything comes back from that snapshot.
      const after = await DaoReplica.open(join(dir, 'target'), dao, verify);
      assert.equal(after.report.replayed, 0);
      assert.equal(after.replica.ledger.stateHash(), replica.ledger.stateHash());
      await after.replica.close();
      await replica.close();
    } finally {
      mock.timers.reset();
    }
  });
});

test("a snapshot that fails is reported, never thrown at the write or the peer's envelopes that asked for it: they are stored", async () => {
  await withDir(async (dir) => {
    const { dao, replica: source } = await writeDao(join(dir, 'source'), 0);
    await writeVoteBatches(source, 1_100);
    const envelopes = await heldEnvelopes(source);
    await source.close();
    const lines: string[] = [];
    const { replica } = await DaoReplica.open(join(dir, 'target'), dao, verify, { log: (line) => lines.push(line) });
    const save = mock.method(SnapshotStore.prototype, 'save', () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
    try {
      // Due at 1,000 records: the frame that crosses it is taken and stored all the same.
      for (const outcome of await replica.acceptRemoteMany(envelopes)) assert.ok(outcome.ok);
      assert.equal(save.mock.callCount(), 1);
      assert.match(lines.join('\n'), /snapshot of DAO .* failed \(ENOSPC.*every change is in its log/);
      await writeVotes(replica, 1); // the replica goes on taking writes
      await replica.close(); // its snapshot fails too: reported, and the log is closed all the same
      assert.equal(save.mock.callCount(), 2);
    } finally {
      save.mock.restore();
    }
    const reopened = await DaoReplica.open(join(dir, 'target'), dao, verify);
    assert.equal(reopened.report.fromSnapshot, false);
    assert.equal(reopened.replica.ledger.size, 1_104); // genesis, delegation, proposal, 1,100 votes and one more
    assert.equal(reopened.replica.ledger.stateHash(), replica.ledger.stateHash());
    await reopened.replica.close();
  });
});

/** The fold's state hash of a fresh open of the DAO's log alone (no snapshot): what the replica must agree with. */
async function foldOfLog(dir: string, dao: string, verifyWith: Ed25519Verify = verify): Promise<{ hash: string; size: number }> {
  const copy = await mkdtemp(join(tmpdir(), 'daomesh-replica-copy-'));
  try {
    await mkdir(DaoReplica.directory(copy, dao), { recursive: true });
    await copyFile(join(DaoReplica.directory(dir, dao), 'envelopes.log'), join(DaoReplica.directory(copy, dao), 'envelopes.log'));
    const { replica } = await DaoReplica.open(copy, dao, verifyWith);
    const fold = { hash: replica.ledger.stateHash(), size: replica.ledger.size };
    await replica.close();
    return fold;
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

/** Runs `use` while every file write fails as it does on a full disk (ENOSPC): the log's appends fail. */
/** FileHandle's prototype (found through a handle on a probe file in `dir`), whose `write` the tests replace. */
async function fileHandlePrototype(dir: string): Promise<{ write: (...args: unknown[]) => Promise<unknown> }> {
  const probe = await open(join(dir, 'probe'), 'w');
  await probe.close();
  return Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
}

const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

async function withFullDisk(dir: string, use: () => Promise<void>): Promise<void> {
  const handlePrototype = await fileHandlePrototype(dir);
  const write = handlePrototype.write;
  handlePrototype.write = () => Promise.reject(diskFull());
  try {
    await use();
  } finally {
    handlePrototype.write = write;
  }
}

/** The next write to any file waits `ms`, then fails with ENOSPC (`fail`) or goes through: a slow disk. */
async function slowNextWrite(dir: string, ms: number, fail: boolean): Promise<void> {
  const handlePrototype = await fileHandlePrototype(dir);
  const write = handlePrototype.write;
  handlePrototype.write = async function (this: unknown, ...args: unknown[]) {
    handlePrototype.write = write;
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (fail) throw diskFull();
    return write.apply(this, args);
  };
}

test('close waits for the writes and envelopes under way: its snapshot never holds what their appends did not store, and nothing starts after it', async () => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 2);
    await written.replica.close();
    const laptop = createNativeEd25519Signer(sha256(utf8ToBytes('daomesh replica test laptop')));

    // A write whose append is slow, then fails: the caller is told, and it is nowhere after the close.
    let { replica } = await DaoReplica.open(dir, written.dao, verify);
    await writeVotes(replica, 1); // stored, and not in a snapshot yet: the close takes one
    const before = replica.ledger.stateHash();
    const proposal = replica.ledger.state(start).proposals[0]!.id;
    const lost = signRecordAsDevice(buildVote(deviceContext(replica), { proposal, choice: 'no' }), device.sign);
    await slowNextWrite(dir, 100, true);
    const writing = replica.writeLocal([lost], deviceSeal(replica));
    const closing = replica.close();
    await assert.rejects(writing, { code: 'LOG_FAILED' });
    await closing;
    ({ replica } = await DaoReplica.open(dir, written.dao, verify));
    assert.equal(replica.ledger.has(lost.id), false, 'not in the snapshot');
    assert.equal([...ledgerEntries(replica.doc)].some(([id]) => id === lost.id), false);
    assert.equal(replica.ledger.stateHash(), before);

    // A slow append that goes through: the close's snapshot holds it, the device it delegates included.
    const delegation = signRecordAsMember(buildDeviceDelegation({ dao: written.dao, author: member.address, deps: replica.ledger.heads(), time: start + 50 }, laptop.publicKey), member.privateKey);
    await slowNextWrite(dir, 100, false);
    const delegating = replica.writeLocal([delegation], memberSealer(written.dao, member));
    const closed = replica.close();
    await assert.rejects(replica.writeLocal([lost], deviceSeal(replica)), { code: 'STORAGE_FAILED', message: /closed/ });
    await assert.rejects(replica.acceptRemote(new Uint8Array([1, 2, 3])), { code: 'STORAGE_FAILED', message: /closed/ });
    await delegating;
    await closed;
    const reopened = await DaoReplica.open(dir, written.dao, verify);
    assert.equal(reopened.report.foldFromSnapshot, true);
    assert.equal(reopened.report.replayed, 0, 'the snapshot covers the whole log');
    assert.equal(reopened.replica.ledger.has(delegation.id), true);
    assert.equal(reopened.replica.delegationOf(member.address, laptop.publicKey), delegation.id);
    await reopened.replica.close();
  });
});

test('a write whose append fails is not kept: the replica refuses everything after it, saves no snapshot, and reopens without it', async () => {
  await withDir(async (dir) => {
    const lines: string[] = [];
    const written = await writeDao(dir, 2);
    await written.replica.close();
    const { replica } = await DaoReplica.open(dir, written.dao, verify, { log: (line) => lines.push(line) });
    const before = { hash: replica.ledger.stateHash(), size: replica.ledger.size, envelopes: (await replica.envelopeIndex()).size };
    const proposal = replica.ledger.state(start).proposals[0]!.id;
    const vote = signRecordAsDevice(buildVote(deviceContext(replica), { proposal, choice: 'no' }), device.sign);

    await withFullDisk(dir, () =>
      assert.rejects(
        replica.writeLocal([vote], deviceSeal(replica), (doc) => daoText(doc, 'charter').insert(0, 'lost')),
        { code: 'LOG_FAILED' },
      ),
    );
    assert.equal(replica.ledger.has(vote.id), false);
    assert.match(lines.join('\n'), /could not store a change/);
    // Space is back, but the doc may hold what the log does not: nothing more is taken or served.
    const another = signRecordAsDevice(buildVote(deviceContext(replica), { proposal, choice: 'yes' }), device.sign);
    await assert.rejects(replica.writeLocal([another], deviceSeal(replica)), { code: 'STORAGE_FAILED', message: /opened again/ });
    await assert.rejects(replica.acceptRemote(new Uint8Array([1, 2, 3])), { code: 'STORAGE_FAILED' });
    await assert.rejects(replica.acceptRemoteMany([new Uint8Array([1, 2, 3])]), { code: 'STORAGE_FAILED' });
    assert.throws(() => replica.doc, { code: 'STORAGE_FAILED' });
    await replica.close();
    assert.equal(replica.snapshotsTaken, 0);

    const reopened = await DaoReplica.open(dir, written.dao, verify);
    assert.equal(reopened.replica.ledger.has(vote.id), false);
    assert.equal([...ledgerEntries(reopened.replica.doc)].some(([id]) => id === vote.id), false);
    assert.equal(daoText(reopened.replica.doc, 'charter').length, 0);
    assert.equal((await reopened.replica.envelopeIndex()).size, before.envelopes);
    assert.equal(reopened.replica.ledger.stateHash(), before.hash);
    assert.deepEqual(await foldOfLog(dir, written.dao), { hash: before.hash, size: before.size });
    await writeVotes(reopened.replica, 1); // and it takes writes again
    assert.equal(reopened.replica.ledger.size, before.size + 1);
    await reopened.replica.close();
  });
});

test("a peer's envelopes whose append fails are not shown as held: the fold goes back to what is stored", async () => {
  await withDir(async (dir) => {
    // The source: a DAO of one member, then a vote and a second device's delegation in envelopes of their own.
    const written = await writeDao(join(dir, 'source'), 2);
    const dao = written.dao;
    const early: Uint8Array[] = [];
    await written.replica.close();
    const log = await EnvelopeLog.open(join(DaoReplica.directory(join(dir, 'source'), dao), 'envelopes.log'));
    for await (const frame of log.frames()) early.push(frame);
    await log.close();
    const { replica: source } = await DaoReplica.open(join(dir, 'source'), dao, verify);
    const late: Uint8Array[] = [];
    source.onAppend(({ bytes }) => late.push(bytes));
    const proposal = source.ledger.state(start).proposals[0]!.id;
    const vote = signRecordAsDevice(buildVote(deviceContext(source), { proposal, choice: 'no' }), device.sign);
    await source.writeLocal([vote], deviceSeal(source));
    const laptop = createNativeEd25519Signer(sha256(utf8ToBytes('refused device')));
    const delegation = signRecordAsMember(buildDeviceDelegation({ dao, author: member.address, deps: source.ledger.heads(), time: start + 50 }, laptop.publicKey), member.privateKey);
    await source.writeLocal([delegation], memberSealer(dao, member));
    await source.close();
    assert.equal(late.length, 2);

    // One replica takes them one at a time (gossip), another as one catch-up frame; the disk is full for both.
    for (const [name, offer] of [
      ['gossip', (replica: DaoReplica) => replica.acceptRemote(late[0]!)],
      ['catch-up', (replica: DaoReplica) => replica.acceptRemoteMany(late)],
    ] as const) {
      const { replica } = await DaoReplica.open(join(dir, name), dao, verify);
      for (const outcome of await replica.acceptRemoteMany(early)) assert.ok(outcome.ok);
      const before = { hash: replica.ledger.stateHash(), size: replica.ledger.size };
      await withFullDisk(dir, () => assert.rejects(offer(replica), { code: 'LOG_FAILED' }));
      assert.equal(replica.ledger.has(vote.id), false, name);
      assert.equal(replica.ledger.has(delegation.id), false, name);
      assert.equal(replica.delegationOf(member.address, laptop.publicKey), undefined, name);
      assert.ok(replica.delegationOf(member.address, device.publicKey), `${name}: the stored delegation is still known`);
      assert.ok(replica.isMember(member.address));
      assert.deepEqual({ hash: replica.ledger.stateHash(), size: replica.ledger.size }, before, name);
      await replica.close();
      const reopened = await DaoReplica.open(join(dir, name), dao, verify);
      assert.equal(reopened.replica.ledger.stateHash(), before.hash, `${name}: what the ledger showed is what is stored`);
      await reopened.replica.close();
    }
  });
});

test('a bug that stops a catch-up frame midway stops the replica, and the fold shows only what the log holds', async () => {
  await withDir(async (dir) => {
    const { dao, replica: source } = await writeDao(join(dir, 'source'), 4);
    const envelopes = await heldEnvelopes(source);
    await source.close();
    const early = envelopes.slice(0, 3);
    const frame = envelopes.slice(3);
    const lines: string[] = [];
    const { replica } = await DaoReplica.open(join(dir, 'copy'), dao, verify, { log: (line) => lines.push(line) });
    for (const outcome of await replica.acceptRemoteMany(early)) assert.ok(outcome.ok);
    const before = { hash: replica.ledger.stateHash(), size: replica.ledger.size };
    // No envelope makes the gate fail this way (that is the bug this guards against): Yjs is made to look as if it
    // left the third envelope of the frame waiting, after the two before it were taken into the doc.
    const faulty = [...frame];
    Object.defineProperty(faulty, 2, {
      get: () => {
        replica.doc.store.pendingStructs = { missing: new Map(), update: new Uint8Array() };
        return frame[2];
      },
    });
    await assert.rejects(replica.acceptRemoteMany(faulty), { code: 'INTERNAL' });
    assert.match(lines.join('\n'), /internal error taking envelope/);
    assert.deepEqual({ hash: replica.ledger.stateHash(), size: replica.ledger.size }, before, 'the fold leaves out what the log lacks');
    assert.throws(() => replica.doc, { code: 'STORAGE_FAILED', message: /internal error/ });
    await assert.rejects(replica.acceptRemoteMany(frame), { code: 'STORAGE_FAILED' });
    await replica.close();
    assert.equal(replica.snapshotsTaken, 0);

    const { replica: reopened } = await DaoReplica.open(join(dir, 'copy'), dao, verify);
    assert.equal(reopened.ledger.stateHash(), before.hash, 'opened again: what was stored');
    for (const outcome of await reopened.acceptRemoteMany(frame)) assert.ok(outcome.ok);
    assert.equal(reopened.ledger.size, before.size + frame.length);
    await reopened.close();
  });
});

/** Flips a bit in the payload of frame `at` of the DAO's log (its envelopes as they were are returned). */
async function damageFrame(dir: string, dao: string, at: number): Promise<Uint8Array[]> {
  const logPath = join(DaoReplica.directory(dir, dao), 'envelopes.log');
  const log = await EnvelopeLog.open(logPath);
  const frames: Uint8Array[] = [];
  for await (const frame of log.frames()) frames.push(frame);
  await log.close();
  const offset = 32 + frames.slice(0, at).reduce((sum, frame) => sum + 8 + frame.length, 0);
  const bytes = await readFile(logPath);
  bytes[offset + 8 + 20]! ^= 0x10;
  await writeFile(logPath, bytes);
  return frames;
}

test('a close while the envelope index is built waits for it, and for the repair of damage it finds, before it closes the log', async () => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 4);
    await written.replica.close();
    const frames = await damageFrame(dir, written.dao, 2);
    const lines: string[] = [];
    const { replica } = await DaoReplica.open(dir, written.dao, verify, { log: (line) => lines.push(line) });
    const building = replica.envelopeIndex();
    await replica.close();
    assert.equal((await building).size, 5, 'built, from the rebuilt log');
    assert.match(lines.join('\n'), /damaged at byte \d+: rebuilt without/);
    assert.doesNotMatch(lines.join('\n'), /envelope index of DAO|closed|EBADF/);
    const reopened = await DaoReplica.open(dir, written.dao, verify);
    assert.deepEqual(await heldEnvelopes(reopened.replica), [...frames.slice(0, 2), ...frames.slice(3)]);
    await reopened.replica.close();
  });
});

test('damage before the snapshot checkpoint: the index rebuilds the log keeping every intact frame, writes go on, and the lost envelope brings the rest back', async () => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 4);
    const full = { hash: written.replica.ledger.stateHash(), size: written.replica.ledger.size };
    await written.replica.close(); // a snapshot whose checkpoint is the end of the log
    const frames = await damageFrame(dir, written.dao, 2); // a flipped bit in the first vote's payload
    assert.equal(frames.length, 6); // genesis and delegation, the proposal, four votes

    const lines: string[] = [];
    const { replica, report } = await DaoReplica.open(dir, written.dao, verify, { log: (line) => lines.push(line) });
    assert.ok(report.fromSnapshot); // resumed past the damage: nothing read it yet
    const index = await replica.envelopeIndex();
    assert.equal(index.size, 5);
    assert.equal(index.hasBytes(frames[2]!), false);
    for (const frame of [0, 1, 3, 4, 5]) assert.ok(index.hasBytes(frames[frame]!));
    assert.match(lines.join('\n'), /damaged at byte \d+: rebuilt without .* 3 intact frames after them kept/);
    assert.deepEqual(await readdir(join(DaoReplica.directory(dir, written.dao), 'snapshots')), []);

    const appended: Uint8Array[] = [];
    replica.onAppend(({ bytes }) => appended.push(bytes));
    // A vote of its own (writeVotes would make the lost vote again, byte for byte: same deps, time and choice).
    const proposal = replica.ledger.state(start).proposals[0]!.id;
    await replica.writeLocal([signRecordAsDevice(buildVote({ ...deviceContext(replica), time: start + 100 }, { proposal, choice: 'no' }), device.sign)], deviceSeal(replica));
    assert.ok((await replica.envelopeIndex()).hasBytes(appended[0]!));
    await replica.close();
    assert.equal(replica.snapshotsTaken, 0); // the votes after the lost one wait for it: a snapshot would skip them

    // Reopened from the rebuilt log: the votes after the lost one wait for it (the same Yjs client's earlier
    // update); the vote written after the repair builds on what the log held, the proposal, and counts.
    const again = await DaoReplica.open(dir, written.dao, verify);
    assert.equal(again.report.fromSnapshot, false);
    const consistent = await foldOfLog(dir, written.dao);
    assert.equal(again.replica.ledger.stateHash(), consistent.hash);
    assert.equal(again.replica.ledger.size, 4);
    // Catch-up brings the lost envelope from a peer: everything after it is taken from the log again.
    const outcome = await again.replica.acceptRemote(frames[2]!);
    assert.ok(outcome.ok);
    assert.equal(again.replica.ledger.size, full.size + 1);
    await again.replica.close();
    assert.equal(again.replica.snapshotsTaken, 1);

    const last = await DaoReplica.open(dir, written.dao, verify);
    assert.ok(last.report.fromSnapshot);
    assert.equal(last.replica.ledger.size, full.size + 1);
    assert.equal(last.replica.ledger.stateHash(), (await foldOfLog(dir, written.dao)).hash);
    await writeVotes(last.replica, 1);
    await last.replica.close();
  });
});

test('after a repair that lost a frame, a peer offering the lost envelope again gets it stored at once, and the rest it held back follows', async () => {
  await withDir(async (dir) => {
    // Damage the log of a replica opened from a snapshot (the snapshot's doc holds the lost vote), and of one
    // whose whole log was read at open before the damage (bit rot while running).
    for (const damagedWhile of ['closed', 'open'] as const) {
      const root = join(dir, damagedWhile);
      const written = await writeDao(root, 4);
      const full = { hash: written.replica.ledger.stateHash(), size: written.replica.ledger.size };
      await written.replica.close(); // a snapshot whose checkpoint is the end of the log
      if (damagedWhile === 'open') await rm(join(DaoReplica.directory(root, written.dao), 'snapshots'), { recursive: true });
      let frames: Uint8Array[] = [];
      if (damagedWhile === 'closed') frames = await damageFrame(root, written.dao, 2); // the first vote
      const { replica, report } = await DaoReplica.open(root, written.dao, verify);
      assert.equal(report.fromSnapshot, damagedWhile === 'closed');
      assert.equal(replica.ledger.size, full.size);
      if (damagedWhile === 'open') frames = await damageFrame(root, written.dao, 2);

      // The first read of the damaged frame gets the log repaired and read back; a write under way meanwhile is kept.
      const proposal = replica.ledger.state(start).proposals[0]!.id;
      const during = signRecordAsDevice(buildVote({ ...deviceContext(replica), time: start + 100 }, { proposal, choice: 'no' }), device.sign);
      const [index] = await Promise.all([replica.envelopeIndex(), replica.writeLocal([during], deviceSeal(replica))]);
      assert.equal(index.size, 6);
      assert.equal(index.hasBytes(frames[2]!), false);
      // What the replica shows is what its log holds: the votes after the lost one (the write too) wait for it.
      assert.equal(replica.ledger.size, 3);
      assert.equal(replica.ledger.stateHash(), (await foldOfLog(root, written.dao)).hash);

      const outcome = await replica.acceptRemote(frames[2]!);
      assert.ok(outcome.ok, `${damagedWhile}: ${outcome.ok ? '' : outcome.reason.code}`);
      assert.ok((await replica.envelopeIndex()).hasBytes(frames[2]!));
      assert.equal(replica.ledger.size, full.size + 1);
      assert.ok(replica.ledger.has(during.id));
      assert.equal(replica.ledger.stateHash(), (await foldOfLog(root, written.dao)).hash);
      await writeVotes(replica, 1);
      await replica.close();

      const again = await DaoReplica.open(root, written.dao, verify);
      assert.deepEqual({ size: again.replica.ledger.size, rejected: again.report.rejected }, { size: full.size + 2, rejected: 0 });
      assert.equal(again.replica.ledger.stateHash(), (await foldOfLog(root, written.dao)).hash);
      await again.replica.close();
    }
  });
});

test("a peer's envelope that arrives while the log is repaired and read back waits for it, and is taken", async () => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 4);
    const full = written.replica.ledger.stateHash();
    await written.replica.close();
    const frames = await damageFrame(dir, written.dao, 2);
    const { replica } = await DaoReplica.open(dir, written.dao, verify);
    const indexing = replica.envelopeIndex();
    // The damaged file is set aside as the repair begins: from then on the old doc, which holds the lost vote, must not judge it.
    const daoDir = DaoReplica.directory(dir, written.dao);
    for (let turn = 0; !(await readdir(daoDir)).some((name) => name.includes('.corrupt-')); turn++) {
      assert.ok(turn < 10_000, 'the repair never began');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcome = await replica.acceptRemote(frames[2]!);
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason.code);
    assert.equal((await indexing).size, 6);
    assert.equal(replica.ledger.stateHash(), full);
    await replica.close();
  });
});

test('a log read back after a repair keeps the clock the replica was opened with', async () => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 4);
    await written.replica.close();
    await rm(join(DaoReplica.directory(dir, written.dao), 'snapshots'), { recursive: true, force: true });
    // This node's clock is an hour behind its records: it holds them all back.
    const { replica } = await DaoReplica.open(dir, written.dao, verify, { now: () => start - hour });
    // Genesis and delegation are held; the envelopes on top of them wait for the delegation.
    assert.deepEqual({ held: replica.ledger.heldBack()?.count, size: replica.ledger.size }, { held: 2, size: 0 });
    await damageFrame(dir, written.dao, 2);
    // Reading the damaged frame gets the log repaired and read back: the records before it are held back still.
    assert.equal((await replica.envelopeIndex()).size, 5);
    assert.deepEqual({ held: replica.ledger.heldBack()?.count, size: replica.ledger.size }, { held: 2, size: 0 }, 'held by the same clock');
    assert.equal(replica.ledger.state(start).proposals.length, 0);
    await replica.close();
  });
});

test('damage the open itself repairs (no snapshot past it) is said in the log, with what was kept', async () => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 4);
    await written.replica.close();
    await damageFrame(dir, written.dao, 2);
    await rm(join(DaoReplica.directory(dir, written.dao), 'snapshots'), { recursive: true, force: true });
    const lines: string[] = [];
    const { replica, report } = await DaoReplica.open(dir, written.dao, verify, { log: (line) => lines.push(line) });
    assert.equal(report.fromSnapshot, false);
    assert.match(lines.join('\n'), /damaged at byte \d+: rebuilt at open without \d+ damaged bytes, 3 intact frames after them kept/);
    await replica.close();
  });
});

/** The real verifier, counting its calls: how many signatures a replica checked. */
function countingVerify(): { verify: Ed25519Verify; calls: number } {
  const counter = {
    calls: 0,
    verify: (signature: Uint8Array, message: Uint8Array, key: Uint8Array) => {
      counter.calls++;
      return verify(signature, message, key);
    },
  };
  return counter;
}

test('a log repaired while open past its snapshot is read back from the snapshot on, verifying none of what it covers again', async () => {
  await withDir(async (dir) => {
    // With a damaged snapshot the read-back verifies the whole log again; either way it ends where a full open does.
    for (const snapshotIs of ['intact', 'damaged'] as const) {
      const root = join(dir, snapshotIs);
      const written = await writeDao(root, 40);
      await written.replica.close(); // a snapshot whose checkpoint is the end of the log: 42 envelopes
      const counting = countingVerify();
      const lines: string[] = [];
      const { replica } = await DaoReplica.open(root, written.dao, counting.verify, { log: (line) => lines.push(line) });
      await writeVotes(replica, 4); // four envelopes past the checkpoint (the doc is built from the snapshot for them)
      if (snapshotIs === 'damaged') {
        const snapshots = join(DaoReplica.directory(root, written.dao), 'snapshots');
        const [file] = await readdir(snapshots);
        const bytes = await readFile(join(snapshots, file!));
        bytes[bytes.length - 3]! ^= 0x10; // in the doc part
        await writeFile(join(snapshots, file!), bytes);
      }
      const frames = await damageFrame(root, written.dao, 43); // the second of the four: the two after it wait for it

      counting.calls = 0;
      assert.equal((await replica.envelopeIndex()).size, 45);
      const readBack = counting.calls;
      counting.calls = 0;
      const full = await foldOfLog(root, written.dao, counting.verify);
      assert.equal(replica.ledger.stateHash(), full.hash, snapshotIs);
      assert.equal(replica.ledger.size, full.size, snapshotIs);
      assert.equal(full.size, 43 + 1);
      // The snapshot covers 41 device-signed envelopes (the first, its member sealed, is checked without Ed25519).
      assert.equal(counting.calls - readBack, snapshotIs === 'intact' ? 41 : 0, `${snapshotIs}: signatures the read-back did not check again`);
      assert.match(lines.join('\n'), snapshotIs === 'intact' ? /read back from it \(\d+ envelopes taken after its last snapshot,/ : /read back from it \(\d+ envelopes taken,/);

      // Nothing was lost but the damaged frame: it comes back from a peer, and the two waiting for it with it.
      assert.ok((await replica.acceptRemote(frames[43]!)).ok);
      assert.equal(replica.ledger.size, 43 + 4);
      assert.equal(replica.ledger.stateHash(), (await foldOfLog(root, written.dao)).hash);
      await writeVotes(replica, 1);
      await replica.close();
      const again = await DaoReplica.open(root, written.dao, verify);
      assert.deepEqual({ size: again.replica.ledger.size, rejected: again.report.rejected }, { size: 43 + 5, rejected: 0 });
      assert.equal(again.replica.ledger.stateHash(), (await foldOfLog(root, written.dao)).hash);
      await again.replica.close();
    }
  });
});

test('envelopes are served from the log: damage found while serving ends that read, and the next one repairs the log and serves every intact envelope', async () => {
  await withDir(async (dir) => {
    const lines: string[] = [];
    const written = await writeDao(dir, 4);
    await written.replica.close();
    const { replica } = await DaoReplica.open(dir, written.dao, verify, { log: (line) => lines.push(line) });
    const held = await heldEnvelopes(replica);
    assert.equal(held.length, 6); // genesis and delegation, the proposal, four votes
    const index = await replica.envelopeIndex();
    const ids = index.ids();
    // Asked out of order, with repeats and an unknown id: each held one once, in log order.
    assert.deepEqual(await heldEnvelopes(replica, [ids[4]!, new Uint8Array(32), ids[1]!, ids[4]!]), [held[1], held[4]]);

    const frames = await damageFrame(dir, written.dao, 2); // bit rot in the first vote while the replica runs
    assert.deepEqual(frames, held);
    assert.deepEqual(await heldEnvelopes(replica, [ids[0]!, ids[1]!]), held.slice(0, 2), 'frames before the damage are still served');
    await assert.rejects(heldEnvelopes(replica), { code: 'LOG_CORRUPT' });
    assert.match(lines.join('\n'), /serving envelopes of DAO .*damaged at byte/);
    // The next read builds the index again, from a full read of the log, which rebuilds it without the damage.
    assert.deepEqual(await heldEnvelopes(replica), [...held.slice(0, 2), ...held.slice(3)]);
    assert.notEqual((await replica.envelopeIndex()).logId, index.logId);
    // What is written after the repair is served too, from where the rebuilt log put it.
    const appended: Uint8Array[] = [];
    replica.onAppend(({ bytes }) => appended.push(bytes));
    const proposal = replica.ledger.state(start).proposals[0]!.id;
    await replica.writeLocal([signRecordAsDevice(buildVote({ ...deviceContext(replica), time: start + 100 }, { proposal, choice: 'no' }), device.sign)], deviceSeal(replica));
    assert.deepEqual(await heldEnvelopes(replica, [base64urlnopad.decode(EnvelopeIndex.idOf(appended[0]!))]), appended);
    await replica.close();
  });
});

test('a DAO closed while it serves ends that read with a clear error, and reports no damage: the log and the next open serve everything', async () => {
  await withDir(async (dir) => {
    const lines: string[] = [];
    const written = await writeDao(dir, 4);
    const held = await heldEnvelopes(written.replica);
    await written.replica.close();
    const { replica } = await DaoReplica.open(dir, written.dao, verify, { log: (line) => lines.push(line) });
    const serving = replica.envelopes((await replica.envelopeIndex()).ids())[Symbol.asyncIterator]();
    assert.deepEqual((await serving.next()).value, held[0]);
    await replica.close();
    await assert.rejects(serving.next(), (error: unknown) => error instanceof DaomeshError && error.code === 'SYNC_FAILED' && /closed/.test(error.message));
    // A read asked for after the close is refused the same way, before it touches the log.
    await assert.rejects(heldEnvelopes(replica), (error: unknown) => error instanceof DaomeshError && error.code === 'SYNC_FAILED');
    assert.deepEqual(lines.filter((line) => /serving envelopes|damaged|envelope index/.test(line)), [], 'a close is not damage');
    const reopened = await DaoReplica.open(dir, written.dao, verify);
    assert.deepEqual(await heldEnvelopes(reopened.replica), held);
    await reopened.replica.close();
  });
});

test('a read of the log that finds damage the repair does not (a read that failed once) keeps its snapshots, and takes new ones', async (t) => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 40);
    await written.replica.close(); // a snapshot at the end of the log
    const lines: string[] = [];
    const { replica } = await DaoReplica.open(dir, written.dao, verify, { log: (line) => lines.push(line) });
    // The disk gives one bad read of the log: the index sees damage there, the repair's own read sees none.
    t.mock.method(
      EnvelopeLog.prototype,
      'entries',
      async function* () {
        yield* [];
        throw new StorageError('LOG_CORRUPT', 'A frame of the envelope log does not match its checksum.');
      },
      { times: 1 },
    );
    assert.equal((await replica.envelopeIndex()).size, 42);
    assert.match(lines.join('\n'), /a read found damage that reading the whole log again did not; nothing was rebuilt/);
    await writeVotes(replica, 2);
    await replica.close(); // takes a snapshot, as before the bad read
    const again = await DaoReplica.open(dir, written.dao, verify);
    assert.deepEqual({ fromSnapshot: again.report.fromSnapshot, replayed: again.report.replayed, size: again.replica.ledger.size }, { fromSnapshot: true, replayed: 0, size: 43 + 2 });
    assert.equal(again.replica.ledger.stateHash(), (await foldOfLog(dir, written.dao)).hash);
    await again.replica.close();
  });
});

test('a log repaired while open, damaged between the two snapshots kept, is read back from the older one', async () => {
  await withDir(async (dir) => {
    const written = await writeDao(dir, 40);
    await written.replica.close(); // snapshot 1: 42 envelopes
    const second = await DaoReplica.open(dir, written.dao, verify);
    await writeVotes(second.replica, 4);
    await second.replica.close(); // snapshot 2: 46 envelopes
    const counting = countingVerify();
    const lines: string[] = [];
    const { replica } = await DaoReplica.open(dir, written.dao, counting.verify, { log: (line) => lines.push(line) });
    await writeVotes(replica, 2);
    const frames = await damageFrame(dir, written.dao, 43); // covered by snapshot 2 only: the four after it wait for it

    counting.calls = 0;
    assert.equal((await replica.envelopeIndex()).size, 47);
    const readBack = counting.calls;
    counting.calls = 0;
    const full = await foldOfLog(dir, written.dao, counting.verify);
    assert.deepEqual({ hash: replica.ledger.stateHash(), size: replica.ledger.size }, { hash: full.hash, size: full.size });
    // Snapshot 1 covers 41 device-signed envelopes (the first, its member sealed, is checked without Ed25519).
    assert.equal(counting.calls - readBack, 41, 'signatures the read-back did not check again');
    assert.match(lines.join('\n'), /read back from it \(\d+ envelopes taken after its last snapshot,/);

    assert.ok((await replica.acceptRemote(frames[43]!)).ok);
    assert.equal(replica.ledger.stateHash(), (await foldOfLog(dir, written.dao)).hash);
    await replica.close();
  });
});

test('a replica notes when it first held each proposal, keeps it across a restart, and notes nothing it reads back', async () => {
  await withDir(async (dir) => {
    const { dao, replica: source } = await writeDao(join(dir, 'source'), 2);
    const envelopes = await heldEnvelopes(source);
    const proposal = source.ledger.state(start).proposals[0]!.id;
    assert.ok(source.arrivalOf(proposal) !== undefined, 'its own proposal arrived when written');
    await source.close();

    const { replica } = await DaoReplica.open(join(dir, 'copy'), dao, verify, { now: () => start + 5_000 });
    assert.equal(replica.arrivalOf(proposal), undefined);
    for (const outcome of await replica.acceptRemoteMany(envelopes)) assert.ok(outcome.ok);
    assert.equal(replica.arrivalOf(proposal), start + 5_000);
    await replica.close();
    const { replica: reopened } = await DaoReplica.open(join(dir, 'copy'), dao, verify, { now: () => start + 9_000 });
    assert.equal(reopened.arrivalOf(proposal), start + 5_000, 'kept beside the log');
    await reopened.close();

    // A data directory of an earlier version: the log is read back, and nothing claims to have arrived now.
    await rm(join(DaoReplica.directory(join(dir, 'copy'), dao), 'proposal-arrivals.json'));
    await rm(join(DaoReplica.directory(join(dir, 'copy'), dao), 'snapshots'), { recursive: true, force: true });
    const { replica: earlier } = await DaoReplica.open(join(dir, 'copy'), dao, verify, { now: () => start + 9_000 });
    assert.equal(earlier.arrivalOf(proposal), undefined);
    await earlier.close();
    // A damaged file is only a lost hint.
    await writeFile(join(DaoReplica.directory(join(dir, 'copy'), dao), 'proposal-arrivals.json'), '{"x": "y", "__proto__": 1');
    const { replica: damaged } = await DaoReplica.open(join(dir, 'copy'), dao, verify);
    assert.equal(damaged.arrivalOf(proposal), undefined);
    await damaged.close();
  });
});
