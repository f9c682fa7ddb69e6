// Issue 3, goal 1: verify-and-apply throughput of records through the real path — the update gate
// (checkEnvelope: decode, envelope signature, Yjs structure, record decode and signature), applyCheckedEnvelope
// (Yjs) and DaoLedger.add (the fold) — next to the raw throughput of the signature verifier it uses, Node's native
// Ed25519, over the same workload's record signatures, measured in the same run.
//
// Workloads (bench/dao-workload.ts): by default a DAO of 12 members, 3 of them writing from two devices (15
// devices, each writing an envelope in turn), for envelopes of 1, 16 and 128 records; and, at 1 record per
// envelope, the older workload of 5 members with one device each, side by side. Hosts write one record per
// envelope, so the 1-record rows are what a real DAO's history is.
//
// Raw is Node's native Ed25519 alone, over the workload's device-signed record signatures (signing messages made
// beforehand). The member-signed records (the genesis and each device delegation, secp256k1) are left out of raw;
// the path still checks them, and the output says what they cost it.
//
// Each row: untimed warm-up runs of raw and of the path (V8 optimizes the path over its first runs), then
// `rounds` rounds, each timing raw and the path back to back (which goes first alternates), so that both share the
// same moment of a shared machine; the rows of one envelope size take their rounds in turn. The ratio is taken per round (path records/s over raw verifications/s) and the
// median printed, with the lowest and highest round's beside it; records/s are medians too. Then the replica
// (DaoReplica.acceptRemoteMany on a real envelope log, one fsync per frame), paired with raw the same way.
// The envelopes arrive as catch-up sync delivers them, in frames of up to 64 envelopes and 256 KiB.
//
// BENCH_VERIFY_RECORDS (default 10,000; the 1-record rows take at most 5,000), BENCH_VERIFY_SIZES (default 1,16,128),
// BENCH_VERIFY_ROUNDS (default 7), BENCH_VERIFY_WARMUP (default 3, at least 1), BENCH_VERIFY_REPLICA_ROUNDS (default 3),
// BENCH_VERIFY_VERBOSE=1 (every round). Profile one size: BENCH_VERIFY_SIZES=128 node --cpu-prof bench/verify-apply.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaoDoc, ledgerEntries, recordBytes } from '../core/dao/dao-doc.ts';
import { applyCheckedEnvelope, checkEnvelope, signedBySealer } from '../core/dao/update-gate.ts';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { decodeEnvelope } from '../core/dao/envelope.ts';
import { recoverAddress } from '../core/identity/member-key.ts';
import { decodeRecord, signingMessage, type LedgerRecord } from '../core/ledger/record.ts';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';
import { DaoReplica } from '../electron-main/host/dao-replica.ts';
import { nativeSha256 } from '../electron-main/host/native-sha256.ts';
import * as Y from 'yjs';
import { buildWorkload, catchUpFrames, type Workload, type WorkloadOptions } from './dao-workload.ts';
import { memoryHeld } from './memory-held.ts';

/** A DAO to run: its label in the table and how the workload is built (records and perEnvelope aside). */
type Dao = { label: string; options: Omit<WorkloadOptions, 'records' | 'perEnvelope'> };

/** 12 members, 3 of them with two devices: 15 devices writing in turn, more than any small cache of the path holds. */
const realistic: Dao = { label: '12 members, 15 devices', options: { members: 12, devicesPerMember: [2, 2, 2] } };
/** The workload these figures used before: 5 members, one device each. */
const small: Dao = { label: '5 members, 5 devices', options: { members: 5 } };

/** Median, lowest and highest over the rounds. */
export type Spread = { median: number; min: number; max: number };

export type VerifyApplyRow = {
  dao: string;
  perEnvelope: number;
  records: number;
  /** Records signed by a member key (secp256k1: the genesis, each delegation): checked by the path, left out of raw. */
  memberSigned: number;
  /** Signatures the gate checks per record: one per envelope, and one per record another key than the envelope's signed. */
  checkedPerRecord: number;
  /** Raw Ed25519 verifications per second over the device-signed records' signatures. */
  raw: Spread;
  /** The path in memory (gate, Yjs, fold; no disk), records per second. */
  inMemory: Spread;
  /** Per round, the path's records/s over raw's verifications/s, timed back to back. */
  ratio: Spread;
  /** DaoReplica.acceptRemoteMany on a real log, records per second, and its ratio to raw paired the same way. */
  replica: Spread;
  replicaRatio: Spread;
  /** Bytes the replica holds per record once it took the workload in. */
  replicaHeld: number;
  /** Microseconds one member-signed record's secp256k1 recovery takes (what the path pays for them, raw not). */
  memberSignedMicros: number;
  /** Page faults per record, median over the rounds: the path's and raw's. */
  pathFaults: number;
  rawFaults: number;
};

/** Per second of wall time, and the page faults the run took per item (the kernel mapping a fresh page on its first touch). */
type Rates = { rate: number; faults: number };

function measure(count: number, run: () => void): Rates {
  const faults = process.resourceUsage().minorPageFault;
  const start = performance.now();
  run();
  const seconds = (performance.now() - start) / 1000;
  return { rate: count / seconds, faults: (process.resourceUsage().minorPageFault - faults) / count };
}

async function measureAsync(count: number, run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return count / ((performance.now() - start) / 1000);
}

/** The middle value (the upper one of an even count). */
function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Microseconds a page fault costs here: a fresh 32 MiB buffer written twice, the first time faulting in every
 * page (the kernel maps and zeroes it), the second only writing; the difference per fault taken. Median of 3.
 */
function pageFaultMicros(): number {
  const costs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const buffer = new Uint8Array(32 * 1024 * 1024);
    const faults = process.resourceUsage().minorPageFault;
    let start = performance.now();
    buffer.fill(1);
    const first = performance.now() - start;
    const taken = process.resourceUsage().minorPageFault - faults;
    start = performance.now();
    buffer.fill(2);
    const again = performance.now() - start;
    if (taken > 0) costs.push(((first - again) * 1000) / taken);
  }
  return costs.length > 0 ? median(costs) : 0;
}

/** The workload's records as the ledger holds them, in the doc's order. */
function workloadRecords(workload: Workload): LedgerRecord[] {
  const doc = createDaoDoc();
  for (const bytes of workload.envelopes) Y.applyUpdate(doc, decodeEnvelope(bytes).update);
  return [...ledgerEntries(doc)].map(([, bytes]) => decodeRecord(bytes));
}

/**
 * Raw: Node's native Ed25519 alone over the device-signed records' signatures, the signing messages made
 * beforehand. Member-signed records are counted apart, with what one secp256k1 recovery (keccak of the message
 * included, as the gate checks one) costs: `memberSignedMicros`, median of three passes over them, to be asked
 * once the path has run them warm.
 */
function rawVerifier(workload: Workload): { rate: () => Rates; count: number; memberSigned: number; memberSignedMicros: () => number } {
  const records = workloadRecords(workload);
  const device = records.flatMap((record) => (record.record.device ? [{ sig: record.record.sig, message: signingMessage(record.payload), key: record.record.device.key }] : []));
  const member = records.filter((record) => !record.record.device).map((record) => ({ sig: record.record.sig, message: signingMessage(record.payload), author: record.author }));
  const verify = createNativeEd25519Verify();
  return {
    count: device.length,
    memberSigned: member.length,
    memberSignedMicros: () => {
      const passes: number[] = [];
      for (let pass = 0; pass < 3 && member.length > 0; pass++) {
        const start = performance.now();
        for (const { sig, message, author } of member) if (recoverAddress(keccak_256(message), sig) !== author) throw new Error('bad member signature in the workload');
        passes.push(((performance.now() - start) * 1000) / member.length);
      }
      return passes.length > 0 ? median(passes) : 0;
    },
    rate: () =>
      measure(device.length, () => {
        for (const { sig, message, key } of device) if (!verify(sig, message, key)) throw new Error('bad signature in the workload');
      }),
  };
}

/**
 * The gate, Yjs and the fold in memory, as DaoReplica.acceptRemoteMany runs them: each envelope of a frame
 * through the gate and into the doc (the frame in one Yjs transaction), the frame's records folded together at
 * its end (and before membership is asked again on a miss); device delegations decoded once and kept. `finish`
 * checks the fold's state hash.
 */
function createPath(workload: Workload, checked?: { signatures: number }): { take(frame: readonly Uint8Array[]): void; finish(): void } {
  const verify = createNativeEd25519Verify();
  const doc = createDaoDoc();
  const ledger = new DaoLedger(workload.dao);
  let unfolded: LedgerRecord[] = [];
  const fold = (): void => {
    if (unfolded.length > 0) ledger.add(unfolded);
    unfolded = [];
  };
  let members = new Set<string>();
  const isMember = (address: string): boolean => members.has(address) || (fold(), (members = new Set(ledger.everMembers())).has(address));
  const delegations = new Map<string, LedgerRecord>();
  const acceptedDelegation = (id: string): LedgerRecord | undefined => {
    let record = delegations.get(id);
    const bytes = record === undefined ? recordBytes(doc, id) : undefined;
    if (bytes !== undefined) delegations.set(id, (record = decodeRecord(bytes)));
    return record;
  };
  return {
    take(frame) {
      doc.transact(() => {
        for (const bytes of frame) {
          const result = checkEnvelope(doc, bytes, { dao: workload.dao, isMember, verifyEd25519: verify, sha256: nativeSha256, acceptedDelegation });
          if (!result.ok) throw new Error(`the workload was refused: ${result.reason.message}`);
          applyCheckedEnvelope(doc, result, 'remote');
          if (checked) checked.signatures += 1 + result.records.filter((record) => !signedBySealer(record, result.envelope)).length;
          for (const record of result.records) unfolded.push(record);
        }
      }, 'remote');
      fold();
    },
    finish() {
      if (ledger.stateHash() !== workload.stateHash) throw new Error('the fold disagrees with the writers');
    },
  };
}

function inMemoryRate(workload: Workload, frames: readonly Uint8Array[][], checked?: { signatures: number }): Rates {
  const path = createPath(workload, checked);
  const rates = measure(workload.records, () => {
    for (const frame of frames) path.take(frame);
  });
  path.finish();
  return rates;
}

/** The replica's rate on a fresh log in `dir`, and the bytes it holds per record afterwards (the doc, the fold, its tables; heap and buffers). */
async function replicaRate(workload: Workload, frames: readonly Uint8Array[][], dir: string): Promise<{ rate: number; heldPerRecord: number }> {
  const heldBefore = memoryHeld();
  const { replica } = await DaoReplica.open(dir, workload.dao, createNativeEd25519Verify());
  const rate = await measureAsync(workload.records, async () => {
    for (const frame of frames) {
      const outcomes = await replica.acceptRemoteMany(frame);
      for (const outcome of outcomes) if (!outcome.ok) throw new Error(`the workload was refused: ${outcome.reason.message}`);
    }
  });
  if (replica.ledger.stateHash() !== workload.stateHash) throw new Error('the replica disagrees with the writers');
  const heldPerRecord = (memoryHeld() - heldBefore) / workload.records;
  await replica.close();
  return { rate, heldPerRecord };
}

/** BENCH_VERIFY_SIZES=128 (or 1,16) runs only those envelope sizes: for profiling one path. */
function envelopeSizes(): number[] {
  const sizes = (process.env.BENCH_VERIFY_SIZES ?? '1,16,128').split(',').map(Number);
  return sizes.every((size) => Number.isInteger(size) && size >= 1 && size <= 256) ? sizes : [1, 16, 128];
}

function count(name: string, fallback: number, least: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) ? Math.max(least, Math.floor(value)) : fallback;
}

/**
 * The rows of one envelope size, one per DAO: their rounds interleaved (round 1 of each, then round 2 of each...),
 * so that DAOs side by side share the machine's moments and the heap's state alike.
 */
async function runSize(daos: readonly Dao[], perEnvelope: number, records: number, settings: { rounds: number; warmups: number; replicaRounds: number; dir: string; print: (line: string) => void }): Promise<VerifyApplyRow[]> {
  const { rounds, warmups, replicaRounds, dir, print } = settings;
  const runs = daos.map((dao) => {
    const workload = buildWorkload({ ...dao.options, records: perEnvelope === 1 ? Math.min(records, 5_000) : records, perEnvelope });
    return { dao, workload, raw: rawVerifier(workload), frames: catchUpFrames(workload.envelopes), checked: { signatures: 0 }, taken: [] as { raw: Rates; path: Rates }[], replicas: [] as { rate: number; ratio: number }[], replicaHeld: 0 };
  });
  // Untimed (the first one counts the signatures the gate checks).
  for (let warmup = 0; warmup < warmups; warmup++) {
    for (const run of runs) {
      run.raw.rate();
      inMemoryRate(run.workload, run.frames, warmup === 0 ? run.checked : undefined);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const run of runs) {
      // Back to back, which goes first alternating: a neighbour's burst or a GC left over from the other one
      // lands on either side alike.
      let raw: Rates;
      let path: Rates;
      if (round % 2 === 0) {
        raw = run.raw.rate();
        path = inMemoryRate(run.workload, run.frames);
      } else {
        path = inMemoryRate(run.workload, run.frames);
        raw = run.raw.rate();
      }
      run.taken.push({ raw, path });
      if (process.env.BENCH_VERIFY_VERBOSE) print(`  ${run.dao.label}, ${perEnvelope} per envelope, round ${round}: raw ${Math.round(raw.rate)} /s, in memory ${Math.round(path.rate)} records/s, ${(path.rate / raw.rate).toFixed(3)} of raw`);
    }
  }
  for (let round = 0; round < replicaRounds; round++) {
    for (const [i, run] of runs.entries()) {
      const rawRate = run.raw.rate().rate;
      const replica = await replicaRate(run.workload, run.frames, join(dir, `${perEnvelope}-${i}-${round}`));
      if (round === 0) run.replicaHeld = replica.heldPerRecord;
      run.replicas.push({ rate: replica.rate, ratio: replica.rate / rawRate });
      if (process.env.BENCH_VERIFY_VERBOSE) print(`  ${run.dao.label}, ${perEnvelope} per envelope, replica ${round}: raw ${Math.round(rawRate)} /s, replica ${Math.round(replica.rate)} records/s`);
    }
  }
  return runs.map(({ dao, workload, raw, checked, taken, replicas, replicaHeld }) => ({
    dao: dao.label,
    perEnvelope,
    records: workload.records,
    memberSigned: raw.memberSigned,
    checkedPerRecord: checked.signatures / workload.records,
    raw: spread(taken.map((round) => round.raw.rate)),
    inMemory: spread(taken.map((round) => round.path.rate)),
    ratio: spread(taken.map((round) => round.path.rate / round.raw.rate)),
    replica: spread(replicas.map((round) => round.rate)),
    replicaRatio: spread(replicas.map((round) => round.ratio)),
    replicaHeld,
    memberSignedMicros: raw.memberSignedMicros(),
    pathFaults: median(taken.map((round) => round.path.faults)),
    rawFaults: median(taken.map((round) => round.raw.faults)),
  }));
}

export async function benchVerifyApply(records = Number(process.env.BENCH_VERIFY_RECORDS ?? 10_000), print: (line: string) => void = console.log): Promise<VerifyApplyRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-bench-verify-'));
  const settings = {
    rounds: count('BENCH_VERIFY_ROUNDS', 7, 1),
    warmups: count('BENCH_VERIFY_WARMUP', 3, 1),
    replicaRounds: count('BENCH_VERIFY_REPLICA_ROUNDS', 3, 1),
    dir,
    print,
  };
  const rows: VerifyApplyRow[] = [];
  try {
    for (const perEnvelope of envelopeSizes()) {
      rows.push(...(await runSize(perEnvelope === 1 ? [realistic, small] : [realistic], perEnvelope, records, settings)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const { rounds, replicaRounds, warmups } = settings;
  const rate = (value: number) => Math.round(value).toLocaleString('en-US');
  const ratio = (value: Spread) => `${value.median.toFixed(2)} (${value.min.toFixed(2)}-${value.max.toFixed(2)})`;
  print(`raw /s: Node's native Ed25519 alone over the workload's device-signed record signatures (member-signed ones, secp256k1, left out of it);`);
  print(`in memory /s: the gate, Yjs and the fold as the replica runs them, no disk; replica /s: DaoReplica.acceptRemoteMany on a real log, fsync per frame;`);
  print(`of raw: records/s over raw's verifications/s, the two timed back to back in each round: median (lowest-highest) of ${rounds} rounds in memory,`);
  print(`${replicaRounds} for the replica; records/s are medians too. sigs/record: signatures the gate checks per record (the envelope's, and records another key signed).`);
  const table = [
    ['DAO', 'per envelope', 'records', 'member-signed', 'sigs/record', 'raw /s', 'in memory /s', 'of raw', 'replica /s', 'of raw', 'replica bytes/record'],
    ...rows.map((row) => [
      row.dao,
      String(row.perEnvelope),
      rate(row.records),
      String(row.memberSigned),
      row.checkedPerRecord.toFixed(3),
      rate(row.raw.median),
      rate(row.inMemory.median),
      ratio(row.ratio),
      rate(row.replica.median),
      ratio(row.replicaRatio),
      rate(row.replicaHeld),
    ]),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  for (const line of table) print(line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
  const headline = rows.find((row) => row.perEnvelope === 1 && row.dao === realistic.label);
  if (headline !== undefined) {
    const verdict = (records: Spread, ofRaw: Spread) => (records.median >= 5_000 && ofRaw.median >= 0.8 ? 'met' : 'NOT met');
    print(`goal: >= 5,000 records/s and >= 0.8 of raw, compared on the IN-MEMORY path (verify-and-apply, no disk), ${headline.dao}, 1 record per envelope (a real DAO's history):`);
    print(`  in memory ${rate(headline.inMemory.median)} records/s, ${ratio(headline.ratio)} of raw: ${verdict(headline.inMemory, headline.ratio)} (on the medians);`);
    print(`  the replica with its log (what a node sustains taking in a history; not what the goal compares): ${rate(headline.replica.median)} records/s, ${ratio(headline.replicaRatio)} of raw: ${verdict(headline.replica, headline.replicaRatio)}`);
  }
  const faultMicros = pageFaultMicros();
  const share = (row: VerifyApplyRow) => ((row.memberSigned * row.memberSignedMicros) / 1e6 / (row.records / row.inMemory.median)) * 100;
  print(`notes, row by row: the member-signed records raw leaves out take ${rows.map((row) => `${share(row).toFixed(1)}%`).join(', ')} of the in-memory path's time (secp256k1, ~${rate(median(rows.map((row) => row.memberSignedMicros)))} µs each);`);
  print(`page faults per record, path/raw: ${rows.map((row) => `${row.pathFaults.toFixed(2)}/${row.rawFaults.toFixed(2)}`).join(', ')} (${faultMicros.toFixed(1)} µs each here, measured); timed after ${warmups} untimed runs of each.`);
  return rows;
}

if (import.meta.main) await benchVerifyApply();
