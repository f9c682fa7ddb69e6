// The Yjs client a host writes a DAO's doc as: one of its signing key's (core/dao/yjs-client.ts), kept across
// sessions so that state vectors do not grow by one entry per session that wrote; another of the key's only
// when the doc holds writes as that client that are not this host's (another host with the same key wrote on),
// whose next clock would conflict.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import * as Y from 'yjs';
import { appendRecords, createDaoDoc, localUpdate } from '../../core/dao/dao-doc.ts';
import { sealEnvelopeAsMember } from '../../core/dao/envelope.ts';
import { buildGenesis, buildProposal } from '../../core/governance/record-builders.ts';
import { rulePresets } from '../../core/governance/rules.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import { addressBytes, signRecordAsMember, type LedgerRecord } from '../../core/ledger/record.ts';
import { DaoReplica } from './dao-replica.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';

const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh writer test member')));
const verify = createNativeEd25519Verify();
const start = Date.UTC(2026, 1, 1);
const genesis = signRecordAsMember(
  buildGenesis({ author: member.address, name: 'Writer test', charter: '', founders: [member.address], rules: rulePresets.simpleMajority(1), nonce: new Uint8Array(16).fill(3), time: start }),
  member.privateKey,
);
const dao = genesis.id;

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-writer-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function signal(replica: DaoReplica | { heads: string[] }, text: string): LedgerRecord {
  const deps = replica instanceof DaoReplica ? replica.ledger.heads() : replica.heads;
  return signRecordAsMember(buildProposal({ dao, author: member.address, deps, time: start + 1 }, { kind: 'signal', params: { text }, title: text }), member.privateKey);
}

/** Writes a record through the host's local path and returns the envelope it made. */
async function write(replica: DaoReplica, records: LedgerRecord[]): Promise<Uint8Array> {
  let bytes: Uint8Array | null = null;
  await replica.writeLocal(records, {
    key: addressBytes(member.address),
    seal: (update) => {
      const envelope = sealEnvelopeAsMember(dao, update, member);
      bytes = envelope.bytes;
      return envelope;
    },
  });
  return bytes!;
}

function clients(doc: Y.Doc): number[] {
  return [...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()];
}

test('a DAO reopened and written to in three sessions keeps writing as one client: the state vector keeps its size', async (t) => {
  const dir = await tempDir(t);
  const envelopes: Uint8Array[] = [];
  for (let session = 0; session < 3; session++) {
    const { replica } = await DaoReplica.open(dir, dao, verify);
    envelopes.push(await write(replica, session === 0 ? [genesis] : [signal(replica, `session ${session}`)]));
    assert.equal(clients(replica.doc).length, 1, `session ${session}`);
    await replica.close();
  }
  // The writer's file, like the rest of a node's data, is for its owner only.
  if (process.platform !== 'win32') assert.equal((await stat(join(dir, dao, 'yjs-writer'))).mode & 0o777, 0o600);
  // A peer takes the three sessions' envelopes in order: each continues the one before (no conflict, no gap).
  const peer = await DaoReplica.open(join(dir, 'peer'), dao, verify);
  for (const bytes of envelopes) assert.deepEqual((await peer.replica.acceptRemote(bytes)).ok, true);
  assert.equal(peer.replica.ledger.size, 3);
  assert.equal(clients(peer.replica.doc).length, 1);
  await peer.replica.close();
});

test('a peer writing as the same client: the next write picks a new one, which every peer takes in', async (t) => {
  const dir = await tempDir(t);
  const { replica } = await DaoReplica.open(join(dir, 'host'), dao, verify);
  const first = await write(replica, [genesis]);
  const [client] = clients(replica.doc) as [number];

  // Another host with the same key (the member's, here) writing as the same client, on top of the host's envelope.
  const clash = createDaoDoc();
  Y.applyUpdate(clash, Y.encodeStateAsUpdate(replica.doc));
  clash.clientID = client;
  const theirs = signal({ heads: [dao] }, 'theirs');
  const update = localUpdate(clash, () => appendRecords(clash, [theirs]))!;
  const clashing = sealEnvelopeAsMember(dao, update, member).bytes;
  assert.equal(Y.decodeUpdate(update).structs[0]!.id.client, client, 'the peer wrote as the host\'s client');

  // The host takes it in (its doc does not write as that client between its own writes), then writes on.
  assert.equal((await replica.acceptRemote(clashing)).ok, true);
  const next = await write(replica, [signal(replica, 'ours')]);
  assert.equal(clients(replica.doc).length, 2, 'a second client: the first is no longer only the host\'s');

  // A third node that holds both earlier envelopes takes the host's next one: it does not reuse the peer's clock.
  const third = await DaoReplica.open(join(dir, 'third'), dao, verify);
  for (const bytes of [first, clashing, next]) {
    const outcome = await third.replica.acceptRemote(bytes);
    assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.reason.code}: ${outcome.reason.message}`);
  }
  await third.replica.close();

  // The new client is the host's from now on, across sessions too.
  await replica.close();
  const reopened = await DaoReplica.open(join(dir, 'host'), dao, verify);
  await write(reopened.replica, [signal(reopened.replica, 'later')]);
  assert.equal(clients(reopened.replica.doc).length, 2);
  await reopened.replica.close();
});
