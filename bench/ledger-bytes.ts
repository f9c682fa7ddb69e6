// Ledger bytes in Yjs per record vs the record's own encoded bytes (issue 3: aim for at most 1.2x), and beside
// them what a node sends and stores for a record: its envelope, its frame in the envelope log, its share of a
// snapshot. Sizes, not times, so the figures are exact; run with `node bench/ledger-bytes.ts` or from bench/run.ts.
// Two kinds of rows: one kind of record (votes) written in one document by one signer, the first rows this
// benchmark had; and a DAO as hosts write it (bench/dao-workload.ts: five members, each from its own device key
// and Yjs client, one record per envelope, proposals, votes, tally signatures, delegations).
import * as Y from 'yjs';
import { appendRecords, createDaoDoc, ledgerEntries, localUpdate } from '../core/dao/dao-doc.ts';
import { decodeEnvelope } from '../core/dao/envelope.ts';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { createRecoveryPhrase, memberKeyFromPhrase } from '../core/identity/member-key.ts';
import { addressBytes, decodeRecord, signRecordAsDevice, signRecordAsMember, type LedgerRecord, type UnsignedRecord } from '../core/ledger/record.ts';
import { createNativeEd25519Signer } from '../electron-main/host/native-ed25519.ts';
import { buildWorkload } from './dao-workload.ts';

export type LedgerBytesRow = { name: string; ratio: number; overheadPerEntry: number; recordBytes: number };

/** The envelope log's framing (electron-main/host/envelope-log.ts): a 32-byte file header, 8 bytes before each frame. */
const logHeaderBytes = 32;
const logFrameHeaderBytes = 8;

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

/** Per-record figures of `bytes` against records of `total` bytes in all. */
function rowOf(name: string, bytes: number, total: number, records: number): LedgerBytesRow {
  return { name, ratio: bytes / total, overheadPerEntry: (bytes - total) / records, recordBytes: total / records };
}

/** What the rows measured, for printLedgerBytes (benchLedgerBytes sets them). */
const notes = { votes: '', workload: '' };

/**
 * A DAO as hosts write it, of about `count` records: its envelopes applied into one document, as every node
 * that holds the DAO has it.
 */
function workloadRows(count: number): LedgerBytesRow[] {
  const workload = buildWorkload({ records: count, perEnvelope: 1 });
  const doc = createDaoDoc();
  let updates = 0;
  let envelopes = 0;
  for (const bytes of workload.envelopes) {
    const envelope = decodeEnvelope(bytes);
    Y.applyUpdate(doc, envelope.update);
    updates += envelope.update.length;
    envelopes += bytes.length;
  }
  const records = [...ledgerEntries(doc)].map(([, bytes]) => decodeRecord(bytes));
  const total = records.reduce((sum, record) => sum + record.bytes.length, 0);
  const kinds = new Map<string, number>();
  for (const record of records) kinds.set(record.record.kind, (kinds.get(record.record.kind) ?? 0) + 1);
  notes.workload =
    `${records.length.toLocaleString('en-US')} records from 5 members in ${workload.envelopes.length.toLocaleString('en-US')} envelopes: ` +
    [...kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}`).join(', ');
  const fold = new DaoLedger(workload.dao);
  fold.add(records, Date.now());
  if (fold.stateHash() !== workload.stateHash) throw new Error('the document does not hold what the writers wrote');
  const row = (name: string, bytes: number) => rowOf(`DAO as hosts write it: ${name}`, bytes, total, records.length);
  const state = Y.encodeStateAsUpdate(doc).length;
  return [
    row('document state (encodeStateAsUpdate)', state),
    row('document state, V2 encoding', Y.encodeStateAsUpdateV2(doc).length),
    row('Yjs updates in the envelopes (sum)', updates),
    row('envelopes (sum), as peers send them', envelopes),
    row('envelope log file, as a node stores them', logHeaderBytes + envelopes + logFrameHeaderBytes * workload.envelopes.length),
    row('snapshot: doc state + fold (a node keeps 2)', state + fold.exportFold().length),
  ];
}

export function benchLedgerBytes(count = 10_000): LedgerBytesRow[] {
  const rows: LedgerBytesRow[] = [];
  notes.votes = `one signer writes ${count.toLocaleString('en-US')} votes (member-signed: ${Math.min(count, 2_000).toLocaleString('en-US')}) into one document, no envelopes`;
  for (const signer of ['device', 'member'] as const) {
    const records = votes(signer === 'member' ? Math.min(count, 2_000) : count, signer);
    const total = records.reduce((sum, record) => sum + record.bytes.length, 0);
    const row = (name: string, bytes: number) => rowOf(`${signer}-signed votes: ${name}`, bytes, total, records.length);
    const doc = createDaoDoc();
    appendRecords(doc, records);
    rows.push(row('document state (encodeStateAsUpdate)', Y.encodeStateAsUpdate(doc).length));
    rows.push(row('document state, V2 encoding', Y.encodeStateAsUpdateV2(doc).length));
    const oneByOne = createDaoDoc();
    let updates = 0;
    for (const record of records) updates += localUpdate(oneByOne, () => appendRecords(oneByOne, [record]))!.length;
    rows.push(row('one update per record (sum)', updates));
  }
  rows.push(...workloadRows(count));
  return rows;
}

export function printLedgerBytes(rows: LedgerBytesRow[]): void {
  console.log('\nLedger bytes per record vs the records\' own encoded bytes (goal: the document state <= 1.2x)');
  console.log('  ratio: bytes / the records\' own bytes; then the bytes added per record, on records of that mean size.');
  if (notes.votes !== '') console.log(`  votes: ${notes.votes}.`);
  if (notes.workload !== '') console.log(`  DAO as hosts write it: ${notes.workload}.`);
  console.log('  The goal compares the document state; the envelope, log and snapshot rows are what a node sends and stores.');
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    console.log(`  ${row.name.padEnd(width)}  ${row.ratio.toFixed(3)}x   +${row.overheadPerEntry.toFixed(1).padStart(5)} B on ${row.recordBytes.toFixed(0)} B records`);
  }
  const goal = rows.filter((row) => row.name.endsWith('document state (encodeStateAsUpdate)'));
  console.log(`  goal: document state <= 1.2x the records: ${goal.map((row) => `${row.name.split(':')[0]} ${row.ratio.toFixed(3)}x (${row.ratio <= 1.2 ? 'met' : 'MISSED'})`).join(', ')}`);
}

if (import.meta.filename === process.argv[1]) printLedgerBytes(benchLedgerBytes());
