// Verify throughput of ledger records vs the raw signature verifiers, side by side in one run. Not the
// verify-and-apply goal (bench/verify-apply.ts): this is decode + id + signature of one record alone, no gate,
// Yjs or fold. Figures only: the machine is shared and noisy, so nothing here is asserted.
//
// Raw native Ed25519 and the records are each run untimed first (BENCH_RECORD_VERIFY_WARMUP, default 2 passes),
// then timed back to back in BENCH_RECORD_VERIFY_ROUNDS rounds (default 7), which goes first alternating: rates
// are the medians over the rounds, and the ratio the median of each round's own (lowest-highest beside it).
import { createRecoveryPhrase, memberKeyFromPhrase, recoverAddress, signDigest } from '../core/identity/member-key.ts';
import { addressBytes, decodeRecord, signingMessage, signRecordAsDevice, verifyRecordSignature, type LedgerRecord } from '../core/ledger/record.ts';
import { pureEd25519Verify } from '../core/ledger/verifier.ts';
import { createNativeEd25519Signer, createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';

export type BenchRow = { name: string; perSecond: number; note?: string };

function measure(count: number, run: (index: number) => void): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) run(i);
  return count / ((performance.now() - start) / 1000);
}

/** The middle value (the upper one of an even count). */
function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function setting(name: string, fallback: number, least: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) ? Math.max(least, Math.floor(value)) : fallback;
}

export function benchRecordVerify(count = setting('BENCH_RECORD_VERIFY_COUNT', 10_000, 1)): BenchRow[] {
  const member = memberKeyFromPhrase(createRecoveryPhrase());
  const device = createNativeEd25519Signer();
  const dao = new Uint8Array(32).fill(1);
  const delegation = new Uint8Array(32).fill(2);
  const records: LedgerRecord[] = [];
  for (let i = 0; i < count; i++) {
    records.push(
      signRecordAsDevice(
        {
          dao,
          kind: 'vote',
          body: { proposal: new Uint8Array(32).fill(i % 251), choice: i % 2 === 0 ? 'yes' : 'no' },
          author: addressBytes(member.address),
          deps: [Uint8Array.from({ length: 32 }, (_, j) => (i + j) % 256)],
          time: 1_700_000_000_000 + i,
          device: { key: device.publicKey, delegation },
        },
        device.sign,
      ),
    );
  }
  const nativeVerify = createNativeEd25519Verify();
  // Raw: the records' own signatures over their own signing messages, made beforehand.
  const raw = records.map((record) => ({ sig: record.record.sig, message: signingMessage(record.payload) }));

  const verifyRaw = (i: number): void => {
    if (!nativeVerify(raw[i]!.sig, raw[i]!.message, device.publicKey)) throw new Error('bad signature');
  };
  const verifyRecord = (i: number): void => {
    const decoded = decodeRecord(records[i]!.bytes);
    if (!verifyRecordSignature(decoded, nativeVerify)) throw new Error('bad record');
  };
  for (let pass = 0; pass < setting('BENCH_RECORD_VERIFY_WARMUP', 2, 0); pass++) {
    measure(count, verifyRaw);
    measure(count, verifyRecord);
  }
  const rounds = setting('BENCH_RECORD_VERIFY_ROUNDS', 7, 1);
  const rawRates: number[] = [];
  const recordRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let rawRate: number;
    let recordRate: number;
    if (round % 2 === 0) {
      rawRate = measure(count, verifyRaw);
      recordRate = measure(count, verifyRecord);
    } else {
      recordRate = measure(count, verifyRecord);
      rawRate = measure(count, verifyRaw);
    }
    rawRates.push(rawRate);
    recordRates.push(recordRate);
    ratios.push(recordRate / rawRate);
  }
  // The slow pure-JS verifiers: median of three short passes, after one untimed.
  const medianOf = (passes: number, run: () => number): number => {
    run();
    return median(Array.from({ length: passes }, run));
  };
  const pureCount = Math.min(count, 300);
  const pureRaw = medianOf(3, () =>
    measure(pureCount, (i) => {
      if (!pureEd25519Verify(raw[i]!.sig, raw[i]!.message, device.publicKey)) throw new Error('bad signature');
    }),
  );
  const digest = new Uint8Array(32).fill(9);
  const secpSignature = signDigest(member.privateKey, digest);
  const secpRecover = medianOf(3, () =>
    measure(100, () => {
      if (recoverAddress(digest, secpSignature) !== member.address) throw new Error('bad recover');
    }),
  );
  const ratio = median(ratios);
  return [
    { name: 'raw Ed25519 verify, Node native (OpenSSL)', perSecond: median(rawRates), note: `median of ${rounds} rounds, ${count.toLocaleString('en-US')} each` },
    {
      name: 'records: decode + id + verify (device-signed, native)',
      perSecond: median(recordRates),
      note: `${ratio.toFixed(2)} of raw native (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}), per round, timed back to back with raw`,
    },
    { name: 'raw Ed25519 verify, pure JS (@noble/curves)', perSecond: pureRaw, note: `median of 3 passes of ${pureCount}` },
    { name: 'raw secp256k1 recover, pure JS (member-signed)', perSecond: secpRecover, note: 'median of 3 passes of 100' },
  ];
}
