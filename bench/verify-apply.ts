// Issue 3, goal 1: verify-and-apply throughput of records through the real path — the update gate
// (checkEnvelope: decode, envelope signature, Yjs structure, record decode and signature), applyCheckedEnvelope
// (Yjs) and DaoLedger.add (the fold) — for envelopes of 1, 16 and 128 records, next to the raw throughput of
// the same Ed25519 verifier measured in the same run. Realistic records (bench/dao-workload.ts): five members
// writing votes, proposals and tally signatures from delegated device keys, concurrently in rounds.
//
// Two figures per size: "in memory" is the path itself, as DaoReplica runs it but without disk; "replica"
// is DaoReplica.acceptRemote on a real envelope log, 64 envelopes in flight so that they share fsyncs, as
// catch-up sync feeds them. An envelope of one record carries two signatures (the envelope's and the
// record's), so its ceiling is half the raw rate.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaoDoc, ledgerEntries } from '../core/dao/dao-doc.ts';
import { applyCheckedEnvelope, checkEnvelope } from '../core/dao/update-gate.ts';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { decodeEnvelope } from '../core/dao/envelope.ts';
import { decodeRecord, signingMessage } from '../core/ledger/record.ts';
import { createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';
import { DaoReplica } from '../electron-main/host/dao-replica.ts';
import * as Y from 'yjs';
import { buildWorkload, type Workload } from './dao-workload.ts';

export type VerifyApplyRow = { perEnvelope: number; records: number; raw: number; inMemory: number; replica: number };

/** Raw Ed25519 verifications per second of the workload's own record signatures (the messages they sign). */
function rawVerifyRate(workload: Workload): () => number {
  const doc = createDaoDoc();
  for (const bytes of workload.envelopes) Y.applyUpdate(doc, decodeEnvelope(bytes).update);
  const signed = [...ledgerEntries(doc)]
    .map(([, bytes]) => decodeRecord(bytes))
    .filter((record) => record.record.device)
    .map((record) => ({ sig: record.record.sig, key: record.record.device!.key, message: signingMessage(record.payload) }));
  const verify = createNativeEd25519Verify();
  return () => {
    const start = performance.now();
    for (const { sig, key, message } of signed) if (!verify(sig, message, key)) throw new Error('bad signature in the workload');
    return signed.length / ((performance.now() - start) / 1000);
  };
}

/** The gate, Yjs and the fold in memory, as DaoReplica runs them (membership refreshed only on a miss). */
function inMemoryRate(workload: Workload): number {
  const verify = createNativeEd25519Verify();
  const doc = createDaoDoc();
  const ledger = new DaoLedger(workload.dao);
  let members = new Set<string>();
  const isMember = (address: string): boolean => members.has(address) || (members = new Set(ledger.everMembers())).has(address);
  const start = performance.now();
  for (const bytes of workload.envelopes) {
    const result = checkEnvelope(doc, bytes, { dao: workload.dao, isMember, verifyEd25519: verify });
    if (!result.ok) throw new Error(`the workload was refused: ${result.reason.message}`);
    applyCheckedEnvelope(doc, result, 'remote');
    ledger.add(result.records);
  }
  const seconds = (performance.now() - start) / 1000;
  if (ledger.stateHash() !== workload.stateHash) throw new Error('the fold disagrees with the writers');
  return workload.records / seconds;
}

async function replicaRate(workload: Workload, dir: string): Promise<number> {
  const { replica } = await DaoReplica.open(dir, workload.dao, createNativeEd25519Verify());
  const inFlight = 64;
  const start = performance.now();
  for (let i = 0; i < workload.envelopes.length; i += inFlight) {
    const outcomes = await Promise.all(workload.envelopes.slice(i, i + inFlight).map((bytes) => replica.acceptRemote(bytes)));
    for (const outcome of outcomes) if (!outcome.ok) throw new Error(`the workload was refused: ${outcome.reason.message}`);
  }
  const seconds = (performance.now() - start) / 1000;
  if (replica.ledger.stateHash() !== workload.stateHash) throw new Error('the replica disagrees with the writers');
  await replica.close();
  return workload.records / seconds;
}

export async function benchVerifyApply(records = Number(process.env.BENCH_VERIFY_RECORDS ?? 10_000), print: (line: string) => void = console.log): Promise<VerifyApplyRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-bench-verify-'));
  const rows: VerifyApplyRow[] = [];
  try {
    for (const perEnvelope of [1, 16, 128]) {
      const workload = buildWorkload({ records: perEnvelope === 1 ? Math.min(records, 5_000) : records, perEnvelope });
      const raw = rawVerifyRate(workload);
      // Raw and full path taken turn about, best of three each: the machine is shared, so a ratio of figures
      // measured minutes apart says more about the neighbours than about the code.
      let best = { raw: 0, inMemory: 0 };
      for (let round = 0; round < 3; round++) best = { raw: Math.max(best.raw, raw()), inMemory: Math.max(best.inMemory, inMemoryRate(workload)) };
      const replica = await replicaRate(workload, join(dir, String(perEnvelope)));
      rows.push({ perEnvelope, records: workload.records, ...best, replica });
    }
    const rate = (value: number) => Math.round(value).toLocaleString('en-US').padStart(6);
    for (const row of rows) {
      const size = `${String(row.perEnvelope).padStart(3)} record${row.perEnvelope === 1 ? ' ' : 's'} per envelope`;
      print(
        `${size} (${row.records.toLocaleString('en-US')} records): in memory ${rate(row.inMemory)} records/s = ${(row.inMemory / row.raw).toFixed(2)} of raw Ed25519 (${rate(row.raw)} /s); ` +
          `replica with its log ${rate(row.replica)} records/s`,
      );
    }
    print('goal: >= 5,000 records/s and >= 0.8 of raw (an envelope of one record carries two signatures: at most 0.5)');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.main) await benchVerifyApply();
