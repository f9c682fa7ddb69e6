// Issue 3, goal 1: verify-and-apply throughput of records through the real path — the update gate
// (checkEnvelope: decode, envelope signature, Yjs structure, record decode and signature), applyCheckedEnvelope
// (Yjs) and DaoLedger.add (the fold) — for envelopes of 1, 16 and 128 records, next to the raw throughput of
// the same verifiers over the same record signatures, measured in the same run: Node's native Ed25519 for the
// device-signed records, secp256k1 recovery for the few member-signed ones (the genesis, each delegation).
// Realistic records (bench/dao-workload.ts): five members writing votes, proposals and tally signatures from
// delegated device keys, concurrently in rounds.
//
// The envelopes arrive as catch-up sync delivers them, in frames of up to 256 KiB. Printed side by side, one row
// per size: the raw rate, the path "in memory" (the gate, Yjs and the fold as DaoReplica.acceptRemoteMany runs
// them, but without disk; what the goal is about), its ratio to raw, how many signatures it checks per record,
// and "replica" (acceptRemoteMany on a real envelope log, one fsync per frame, and what it then holds per record). The gate checks the envelope's
// signature and those of records another key signed; a record signed by the envelope's own key is taken on the
// envelope's (update-gate.ts). Hosts write one record per envelope, so the 1-record row is a real DAO's history:
// one signature per record, as raw. Larger envelopes check fewer signatures than they carry records.
//
// For the 1-record row it also prints the path's JS per record besides its check: back to back, between real
// checks, and between stand-ins that only watch the clock as long (jsAroundChecks). For every row, each round's
// ratio next to the page faults per record it took (what the DAO keeps grows the heap into fresh pages; raw
// keeps nothing), with what a fault costs here (pageFaultMicros).
//
// Every figure is taken after untimed warm-up runs of the path and of raw (BENCH_VERIFY_WARMUP, default 5): V8
// optimizes the path's functions over its first runs of a few thousand records (here its first runs reach ~0.77 of
// raw and later ones ~0.80-0.82, while raw, native code, does not change), and a host taking in a DAO's history runs
// far longer than that.
//
// BENCH_VERIFY_RECORDS (default 10,000), BENCH_VERIFY_SIZES (default 1,16,128), BENCH_VERIFY_ROUNDS (default 5),
// BENCH_VERIFY_WARMUP (default 5), BENCH_VERIFY_VERBOSE=1 (every round). Profile one size: BENCH_VERIFY_SIZES=128 node --cpu-prof bench/verify-apply.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaoDoc, ledgerEntries, recordBytes } from '../core/dao/dao-doc.ts';
import { applyCheckedEnvelope, checkEnvelope, signedBySealer } from '../core/dao/update-gate.ts';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { decodeEnvelope } from '../core/dao/envelope.ts';
import { recoverAddress } from '../core/identity/member-key.ts';
import { decodeRecord, signingMessage, type LedgerRecord } from '../core/ledger/record.ts';
import type { Ed25519Verify } from '../core/ledger/verifier.ts';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';
import { DaoReplica } from '../electron-main/host/dao-replica.ts';
import { nativeSha256 } from '../electron-main/host/native-sha256.ts';
import * as Y from 'yjs';
import { buildWorkload, catchUpFrames, type Workload } from './dao-workload.ts';
import { memoryHeld } from './memory-held.ts';

export type VerifyApplyRow = {
  perEnvelope: number;
  records: number;
  raw: number;
  inMemory: number;
  /** The same two, per second of this process's CPU time (all its threads, so GC helpers count): what neighbours on a shared machine move least. */
  rawCpu: number;
  inMemoryCpu: number;
  /** Path over raw with the two timed frame by frame (pairedRatio): the ratio neighbours move least. */
  paired: number;
  replica: number;
  /** Bytes the replica holds per record once it took the workload in. */
  replicaHeld: number;
  /** How many of the workload's record signatures are members' own (secp256k1), the rest being device keys' (Ed25519). */
  memberSigned: number;
  /** Signatures the gate checks per record: one per envelope, and one per record another key than the envelope's signed. */
  checkedPerRecord: number;
  /** Each best-of round: the path's rate over raw's, and the page faults per record each took (pageFaultMicros). */
  rounds: { ratio: number; pathMicros: number; pathFaults: number; rawMicros: number; rawFaults: number }[];
};

/**
 * Per second of wall time and of the process's CPU time (user + system, every thread), and the page faults the
 * run took per item (the kernel mapping a fresh page on its first touch).
 */
type Rates = { wall: number; cpu: number; faults: number };

function measure(count: number, run: () => void): Rates {
  const faults = process.resourceUsage().minorPageFault;
  const cpu = process.cpuUsage();
  const start = performance.now();
  run();
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { wall: count / wall, cpu: count / ((used.user + used.system) / 1e6), faults: (process.resourceUsage().minorPageFault - faults) / count };
}

/**
 * Microseconds a page fault costs here: a fresh 32 MiB buffer written twice, the first time faulting in every
 * page (the kernel maps and zeroes it), the second only writing; the difference per fault taken. Median of 3.
 * Inside a virtual machine a fault can cost tens of times what it does on bare hardware.
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

/**
 * One record signature as the raw verifiers take it: the signing message made beforehand. Device-signed: Node's
 * native Ed25519; member-signed (the genesis, each device delegation): the secp256k1 recovery the gate runs,
 * keccak of the message included, as an Ethereum signature is checked.
 */
type RawSignature = { sig: Uint8Array; message: Uint8Array; key: Uint8Array | null; author: string };

function rawSignatures(records: readonly LedgerRecord[]): RawSignature[] {
  return records.map((record) => ({ sig: record.record.sig, message: signingMessage(record.payload), key: record.record.device?.key ?? null, author: record.author }));
}

function verifyRaw(signatures: readonly RawSignature[], verify: Ed25519Verify): void {
  for (const { sig, message, key, author } of signatures) {
    const good = key !== null ? verify(sig, message, key) : recoverAddress(keccak_256(message), sig) === author;
    if (!good) throw new Error('bad signature in the workload');
  }
}

/** Raw verifications per second of the workload's own record signatures, each by the verifier it needs. */
function rawVerifyRate(workload: Workload): { rate: () => Rates; memberSigned: number } {
  const doc = createDaoDoc();
  for (const bytes of workload.envelopes) Y.applyUpdate(doc, decodeEnvelope(bytes).update);
  const signatures = rawSignatures([...ledgerEntries(doc)].map(([, bytes]) => decodeRecord(bytes)));
  const verify = createNativeEd25519Verify();
  return { rate: () => measure(signatures.length, () => verifyRaw(signatures, verify)), memberSigned: signatures.filter((signature) => signature.key === null).length };
}

/**
 * The gate, Yjs and the fold in memory, as DaoReplica.acceptRemoteMany runs them: each envelope of a frame
 * through the gate and into the doc (the frame in one Yjs transaction), the frame's records folded together at its end (and before membership is
 * asked again on a miss); device delegations decoded once and kept. `finish` checks the fold's state hash.
 */
function createPath(workload: Workload, checked?: { signatures: number }, verify: Ed25519Verify = createNativeEd25519Verify()): { take(frame: readonly Uint8Array[]): readonly LedgerRecord[]; finish(): void } {
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
      const taken: LedgerRecord[] = [];
      doc.transact(() => {
        for (const bytes of frame) {
          const result = checkEnvelope(doc, bytes, { dao: workload.dao, isMember, verifyEd25519: verify, sha256: nativeSha256, acceptedDelegation });
          if (!result.ok) throw new Error(`the workload was refused: ${result.reason.message}`);
          applyCheckedEnvelope(doc, result, 'remote');
          if (checked) checked.signatures += 1 + result.records.filter((record) => !signedBySealer(record, result.envelope)).length;
          for (const record of result.records) {
            unfolded.push(record);
            taken.push(record);
          }
        }
      }, 'remote');
      fold();
      return taken;
    },
    finish() {
      if (ledger.stateHash() !== workload.stateHash) throw new Error('the fold disagrees with the writers');
    },
  };
}

function inMemoryRate(workload: Workload, frames: readonly Uint8Array[][]): Rates {
  const path = createPath(workload);
  const rates = measure(workload.records, () => {
    for (const frame of frames) path.take(frame);
  });
  path.finish();
  return rates;
}

/**
 * The path and the raw verifier taken frame by frame, `rounds` times: each frame through the gate, Yjs and the
 * fold, then its records' own signatures through the raw verifier, each timed. Neighbours on a shared machine
 * slow both alike within a few milliseconds, so this ratio moves far less than one of rates measured a second
 * apart. Gives the median over the rounds of (path records/s) / (raw verifications/s).
 */
function pairedRatio(workload: Workload, frames: readonly Uint8Array[][], rounds: number): { paired: number; checkedPerRecord: number } {
  const checked = { signatures: 0 };
  const first = createPath(workload, checked);
  const chunks = frames.map((frame) => rawSignatures(first.take(frame)));
  first.finish();
  const verify = createNativeEd25519Verify();
  const rawCount = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const path = createPath(workload);
    let pathMs = 0;
    let rawMs = 0;
    for (let i = 0; i < frames.length; i++) {
      const start = performance.now();
      path.take(frames[i]!);
      const middle = performance.now();
      verifyRaw(chunks[i]!, verify);
      rawMs += performance.now() - middle;
      pathMs += middle - start;
    }
    path.finish();
    ratios.push(workload.records / pathMs / (rawCount / rawMs));
  }
  return { paired: median(ratios), checkedPerRecord: checked.signatures / workload.records };
}

/** The middle value (the upper one of an even count). */
function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Microseconds of the path per record outside its Ed25519 checks, median of `rounds`, with each kind of check. */
type JsAroundChecks = { alone: number; betweenChecks: number; betweenStandIns: number; check: number };

/**
 * Where the path's time goes besides the checks, for the 1-record row: the path timed with a verifier that
 * times each Ed25519 check, the check's own time taken out. Three ways, taken turn about in one process:
 * - "alone": a verifier that checks nothing (the JS back to back);
 * - "between checks": Node's verifier, as in the path;
 * - "between stand-ins": a stand-in that watches the clock for as long as a check takes, touching no memory,
 *   then says yes.
 * If the JS costs as much between stand-ins as between checks, what it loses to the time between records is
 * not the checks' doing (their caches, their memory) but the machine's; the ratio's shortfall is that loss.
 * The JS includes the secp256k1 recovery of the few member-signed records, which raw counts as well. Not a path
 * anyone runs: two of the three check no signature.
 */
function jsAroundChecks(workload: Workload, frames: readonly Uint8Array[][], rounds: number): JsAroundChecks {
  const native = createNativeEd25519Verify();
  // Set by each round's real checks, which run before its stand-ins.
  let checkMs = 0;
  const standIn = (): boolean => {
    const end = performance.now() + checkMs;
    while (performance.now() < end);
    return true;
  };
  const kinds = { alone: (): boolean => true, betweenChecks: native, betweenStandIns: standIn };
  const js: Record<keyof typeof kinds, number[]> = { alone: [], betweenChecks: [], betweenStandIns: [] };
  const checks: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const kind of Object.keys(kinds) as (keyof typeof kinds)[]) {
      const inner = kinds[kind];
      let inside = 0;
      let count = 0;
      const timed: Ed25519Verify = (signature, message, key) => {
        const start = performance.now();
        const good = inner(signature, message, key);
        inside += performance.now() - start;
        count++;
        return good;
      };
      const path = createPath(workload, undefined, timed);
      const start = performance.now();
      for (const frame of frames) path.take(frame);
      const total = performance.now() - start;
      path.finish();
      js[kind].push(((total - inside) / workload.records) * 1000);
      // The stand-in waits as long as a check of this round took.
      if (kind === 'betweenChecks') {
        checkMs = inside / count;
        checks.push(checkMs * 1000);
      }
    }
  }
  return { alone: median(js.alone), betweenChecks: median(js.betweenChecks), betweenStandIns: median(js.betweenStandIns), check: median(checks) };
}

/** The replica's rate, and the bytes it holds per record afterwards (the doc, the fold, its tables; heap and buffers). */
async function replicaRate(workload: Workload, frames: readonly Uint8Array[][], dir: string): Promise<{ rate: number; heldPerRecord: number }> {
  const heldBefore = memoryHeld();
  const { replica } = await DaoReplica.open(dir, workload.dao, createNativeEd25519Verify());
  const start = performance.now();
  for (const frame of frames) {
    const outcomes = await replica.acceptRemoteMany(frame);
    for (const outcome of outcomes) if (!outcome.ok) throw new Error(`the workload was refused: ${outcome.reason.message}`);
  }
  const seconds = (performance.now() - start) / 1000;
  if (replica.ledger.stateHash() !== workload.stateHash) throw new Error('the replica disagrees with the writers');
  const heldPerRecord = (memoryHeld() - heldBefore) / workload.records;
  await replica.close();
  return { rate: workload.records / seconds, heldPerRecord };
}

/** BENCH_VERIFY_SIZES=128 (or 1,16) runs only those envelope sizes: for profiling one path. */
function envelopeSizes(): number[] {
  const sizes = (process.env.BENCH_VERIFY_SIZES ?? '1,16,128').split(',').map(Number);
  return sizes.every((size) => Number.isInteger(size) && size >= 1 && size <= 256) ? sizes : [1, 16, 128];
}

export async function benchVerifyApply(records = Number(process.env.BENCH_VERIFY_RECORDS ?? 10_000), print: (line: string) => void = console.log): Promise<VerifyApplyRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-bench-verify-'));
  const rounds = Math.max(1, Number(process.env.BENCH_VERIFY_ROUNDS ?? 5));
  const warmups = Math.max(0, Number(process.env.BENCH_VERIFY_WARMUP ?? 5));
  const rows: VerifyApplyRow[] = [];
  let around: JsAroundChecks | null = null;
  try {
    for (const perEnvelope of envelopeSizes()) {
      const workload = buildWorkload({ records: perEnvelope === 1 ? Math.min(records, 5_000) : records, perEnvelope });
      const raw = rawVerifyRate(workload);
      const frames = catchUpFrames(workload.envelopes);
      for (let run = 0; run < warmups; run++) {
        raw.rate();
        inMemoryRate(workload, frames);
      }
      // Raw and full path taken turn about, best of `rounds` each: the machine is shared, so a ratio of figures
      // measured minutes apart says more about the neighbours than about the code.
      const best = { raw: 0, inMemory: 0, rawCpu: 0, inMemoryCpu: 0 };
      const taken: VerifyApplyRow['rounds'] = [];
      for (let round = 0; round < rounds; round++) {
        const rawRates = raw.rate();
        const path = inMemoryRate(workload, frames);
        taken.push({ ratio: path.wall / rawRates.wall, pathMicros: 1e6 / path.wall, pathFaults: path.faults, rawMicros: 1e6 / rawRates.wall, rawFaults: rawRates.faults });
        if (process.env.BENCH_VERIFY_VERBOSE) print(`  ${perEnvelope} per envelope, round ${round}: raw ${Math.round(rawRates.wall)} /s, in memory ${Math.round(path.wall)} records/s`);
        best.raw = Math.max(best.raw, rawRates.wall);
        best.inMemory = Math.max(best.inMemory, path.wall);
        best.rawCpu = Math.max(best.rawCpu, rawRates.cpu);
        best.inMemoryCpu = Math.max(best.inMemoryCpu, path.cpu);
      }
      const { paired, checkedPerRecord } = pairedRatio(workload, frames, rounds);
      const replica = await replicaRate(workload, frames, join(dir, String(perEnvelope)));
      if (perEnvelope === 1) around = jsAroundChecks(workload, frames, rounds);
      rows.push({ perEnvelope, records: workload.records, ...best, paired, replica: replica.rate, replicaHeld: replica.heldPerRecord, memberSigned: raw.memberSigned, checkedPerRecord, rounds: taken });
    }
    const rate = (value: number) => Math.round(value).toLocaleString('en-US');
    const table = [
      ['records per envelope', 'records', 'signatures checked per record', 'raw verify /s', 'verify-and-apply records/s', 'of raw', 'of raw by CPU time', 'of raw, paired', 'replica with its log records/s', 'replica holds bytes/record'],
      ...rows.map((row) => [
        String(row.perEnvelope),
        rate(row.records),
        row.checkedPerRecord.toFixed(3),
        rate(row.raw),
        rate(row.inMemory),
        (row.inMemory / row.raw).toFixed(2),
        (row.inMemoryCpu / row.rawCpu).toFixed(2),
        row.paired.toFixed(2),
        rate(row.replica),
        rate(row.replicaHeld),
      ]),
    ];
    const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
    for (const line of table) print(line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   '));
    print(`raw: the workload's own record signatures, each by the verifier the path uses (Node's native Ed25519; secp256k1 recovery for the ${rows.map((row) => row.memberSigned).join('/')} member-signed),`);
    print(`taken turn about with the path, best of ${rounds} each, after ${warmups} untimed runs of each (V8 optimizes the path over its first runs);`);
    print('rates per second of wall time; "by CPU time": the same ratio per second of this process\'s CPU time (every thread);');
    print(`"paired": path and raw timed frame by frame, each frame's own signatures right after it, median of ${rounds} runs (neighbours move it least)`);
    print('"signatures checked per record": the envelope\'s, and those of records another key signed (a record signed by the envelope\'s own key is taken on it);');
    print('goal: >= 5,000 records/s and >= 0.8 of raw; the 1-record row is what a real DAO\'s history is (hosts write each member action as an envelope)');
    if (around !== null) {
      const { alone, betweenChecks, betweenStandIns, check } = around;
      print(`1 per envelope, the path's JS per record besides its check (a check: ${check.toFixed(1)} µs), median of ${rounds}: ${alone.toFixed(1)} µs back to back,`);
      print(`${betweenChecks.toFixed(1)} µs between real checks, ${betweenStandIns.toFixed(1)} µs between stand-ins that only watch the clock as long;`);
      print(`0.8 of raw needs it under about ${(check / 4).toFixed(1)} µs between checks (a quarter of a check; the JS counts the few member signatures, as raw does); what it loses between stand-ins as between checks is lost to the time between records, not to the checks`);
    }
    // What the DAO keeps (the doc's items, the fold's nodes, the envelopes' bytes) grows the heap, and a page of
    // fresh memory costs a fault on its first touch. A round that grows into fresh pages runs slower than one that
    // reuses pages an earlier round's garbage freed; raw keeps nothing but faults now and then too. The split
    // below shows each round's ratio next to its faults, and the ratio with every fault's time taken out of both.
    const faultMicros = pageFaultMicros();
    print(`page faults (the kernel mapping a fresh page on its first touch: ${faultMicros.toFixed(1)} µs each here, measured; far less on bare hardware),`);
    print('per record in each best-of round, path / raw, with that round\'s ratio:');
    for (const row of rows) {
      const rounds = row.rounds.map((round) => `${round.ratio.toFixed(2)} at ${round.pathFaults.toFixed(2)}/${round.rawFaults.toFixed(2)}`).join(', ');
      const faultFree = median(row.rounds.map((round) => (round.rawMicros - round.rawFaults * faultMicros) / (round.pathMicros - round.pathFaults * faultMicros)));
      print(`  ${row.perEnvelope} per envelope: ${rounds}; with the faults' time taken out of both, median ${faultFree.toFixed(2)} of raw`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.main) await benchVerifyApply();
