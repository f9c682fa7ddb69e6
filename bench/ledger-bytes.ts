// Ledger bytes in Yjs per record vs the record's own encoded bytes (issue 3: aim for at most 1.2x).
// Sizes, not times, so the figures are exact; run with `node bench/ledger-bytes.ts` or from bench/run.ts.
import * as Y from 'yjs';
import { appendRecords, createDaoDoc, localUpdate } from '../core/dao/dao-doc.ts';
import { createRecoveryPhrase, memberKeyFromPhrase } from '../core/identity/member-key.ts';
import { addressBytes, signRecordAsDevice, signRecordAsMember, type LedgerRecord, type UnsignedRecord } from '../core/ledger/record.ts';
import { createNativeEd25519Signer } from '../electron-main/host/native-ed25519.ts';

export type LedgerBytesRow = { name: string; ratio: number; overheadPerEntry: number; recordBytes: number };

function votes(count: number, signer: 'device' | 'member'): LedgerRecord[] {
  const member = memberKeyFromPhrase(createRecoveryPhrase());
  const device = createNativeEd25519Signer();
  const dao = new Uint8Array(32).fill(1);
  return Array.from({ length: count }, (_, i) => {
    const record: UnsignedRecord = {
      dao,
      kind: 'vote',
      body: { proposal: new Uint8Array(32).fill(i % 251), choice: i % 2 === 0 ? 'yes' : 'no' },
      author: addressBytes(member.address),
      deps: [Uint8Array.from({ length: 32 }, (_, j) => (i + j) % 256)],
      time: 1_700_000_000_000 + i,
    };
    return signer === 'device'
      ? signRecordAsDevice({ ...record, device: { key: device.publicKey, delegation: new Uint8Array(32).fill(2) } }, device.sign)
      : signRecordAsMember(record, member.privateKey);
  });
}

export function benchLedgerBytes(count = 10_000): LedgerBytesRow[] {
  const rows: LedgerBytesRow[] = [];
  for (const signer of ['device', 'member'] as const) {
    const records = votes(signer === 'member' ? Math.min(count, 2_000) : count, signer);
    const total = records.reduce((sum, record) => sum + record.bytes.length, 0);
    const row = (name: string, bytes: number): LedgerBytesRow => ({
      name: `${signer}-signed votes: ${name}`,
      ratio: bytes / total,
      overheadPerEntry: (bytes - total) / records.length,
      recordBytes: total / records.length,
    });
    const doc = createDaoDoc();
    appendRecords(doc, records);
    rows.push(row('document state (encodeStateAsUpdate)', Y.encodeStateAsUpdate(doc).length));
    rows.push(row('document state, V2 encoding', Y.encodeStateAsUpdateV2(doc).length));
    const oneByOne = createDaoDoc();
    let updates = 0;
    for (const record of records) updates += localUpdate(oneByOne, () => appendRecords(oneByOne, [record]))!.length;
    rows.push(row('one update per record (sum)', updates));
  }
  return rows;
}

export function printLedgerBytes(rows: LedgerBytesRow[]): void {
  console.log('\nLedger bytes in Yjs per record (goal <= 1.2x)');
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(width)}  ${row.ratio.toFixed(3)}x   +${row.overheadPerEntry.toFixed(1)} B on ${row.recordBytes.toFixed(0)} B records`);
  }
}

if (import.meta.filename === process.argv[1]) printLedgerBytes(benchLedgerBytes());
