// Verify throughput of ledger records vs the raw signature verifiers, side by side in one run.
// Figures only: the machine is shared and noisy, so nothing here is asserted.
import { createRecoveryPhrase, memberKeyFromPhrase, recoverAddress, signDigest } from '../core/identity/member-key.ts';
import { addressBytes, decodeRecord, signRecordAsDevice, verifyRecordSignature, type LedgerRecord } from '../core/ledger/record.ts';
import { pureEd25519Verify } from '../core/ledger/verifier.ts';
import { createNativeEd25519Signer, createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';

export type BenchRow = { name: string; perSecond: number; note?: string };

function measure(count: number, run: (index: number) => void): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) run(i);
  return count / ((performance.now() - start) / 1000);
}

export function benchRecordVerify(count = 20_000): BenchRow[] {
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
  const raw = records.map((record) => ({ sig: device.sign(record.bytes), message: record.bytes }));

  const nativeRaw = measure(count, (i) => {
    if (!nativeVerify(raw[i]!.sig, raw[i]!.message, device.publicKey)) throw new Error('bad signature');
  });
  const recordsPerSecond = measure(count, (i) => {
    const decoded = decodeRecord(records[i]!.bytes);
    if (!verifyRecordSignature(decoded, nativeVerify)) throw new Error('bad record');
  });
  const pureCount = Math.min(count, 1_000);
  const pureRaw = measure(pureCount, (i) => {
    if (!pureEd25519Verify(raw[i]!.sig, raw[i]!.message, device.publicKey)) throw new Error('bad signature');
  });
  const digest = new Uint8Array(32).fill(9);
  const secpSignature = signDigest(member.privateKey, digest);
  const secpRecover = measure(300, () => {
    if (recoverAddress(digest, secpSignature) !== member.address) throw new Error('bad recover');
  });
  return [
    { name: 'raw Ed25519 verify, Node native (OpenSSL)', perSecond: nativeRaw },
    { name: 'records: decode + id + verify (device-signed, native)', perSecond: recordsPerSecond, note: `${((recordsPerSecond / nativeRaw) * 100).toFixed(0)}% of raw native; goal >= 5,000/s and >= 80%` },
    { name: 'raw Ed25519 verify, pure JS (@noble/curves)', perSecond: pureRaw },
    { name: 'raw secp256k1 recover, pure JS (member-signed)', perSecond: secpRecover },
  ];
}
