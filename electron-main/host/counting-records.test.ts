// The host's lists of counting records follow the replica's ledger, also when the replica folds anew (after a
// failed append or a repaired log) into a ledger of the same size that holds other records.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { memberSealer } from '../../core/dao/envelope.ts';
import { buildGenesis, buildInviteRevocation } from '../../core/governance/record-builders.ts';
import { inviteRevokeBodySchema } from '../../core/governance/record-kinds.ts';
import { rulePresets } from '../../core/governance/rules.ts';
import { memberKeyFromPrivateKey } from '../../core/identity/member-key.ts';
import { recordIdFromHash, signRecordAsMember } from '../../core/ledger/record.ts';
import { CountingRecords } from './counting-records.ts';
import { DaoReplica } from './dao-replica.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';

const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh counting records test member')));
const start = Date.UTC(2026, 2, 1);

test('a list made from one ledger is not served for another of the same size', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-counting-'));
  const genesis = signRecordAsMember(
    buildGenesis({ author: member.address, name: 'Counting', charter: '', founders: [member.address], rules: rulePresets.simpleMajority(1), nonce: new Uint8Array(16).fill(5), time: start }),
    member.privateKey,
  );
  const dao = genesis.id;
  // Two replicas of one DAO, each holding the genesis and one invite revocation, of two different invites.
  const replicas = await Promise.all(
    [1, 2].map(async (fill) => {
      const { replica } = await DaoReplica.open(join(dir, String(fill)), dao, createNativeEd25519Verify());
      const revocation = signRecordAsMember(
        buildInviteRevocation({ dao, author: member.address, deps: [dao], previous: dao, time: start + 1 }, recordIdFromHash(new Uint8Array(32).fill(fill))),
        member.privateKey,
      );
      await replica.writeLocal([genesis, revocation], memberSealer(dao, member));
      return replica;
    }),
  );
  t.after(async () => {
    for (const replica of replicas) await replica.close();
    await rm(dir, { recursive: true, force: true });
  });
  assert.equal(replicas[0]!.ledger.size, replicas[1]!.ledger.size);
  const revoked = new CountingRecords('invite.revoke', inviteRevokeBodySchema);
  const invites = (replica: DaoReplica) => revoked.of(replica).map(({ body }) => body.invite[0]);
  assert.deepEqual(invites(replicas[0]!), [1]);
  assert.deepEqual(invites(replicas[1]!), [2]);
});
