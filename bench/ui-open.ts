// Opening a DAO in the UI (app/daos/): what the page's main thread does and what the fold worker does, on the
// first open (every record folded) and on later ones (the fold's snapshot imported), side by side with the
// page folding by itself as it did before the worker. Same JavaScript engine as the renderer (V8), one core;
// IndexedDB's own reads are not in it (stored-updates.ts hands the page the stored updates; the snapshot is
// one value). Run alone with `node bench/ui-open.ts` (BENCH_UI_RECORDS, default 20,000).
import * as Y from 'yjs';
import { createDaoDoc, ledgerMap } from '../core/dao/dao-doc.ts';
import { decodeEnvelope } from '../core/dao/envelope.ts';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { FoldServer } from '../app/daos/fold-protocol.ts';
import { decodeTrustedEntries, feedLedger } from '../app/daos/ledger-feed.ts';
import { packEntries, type PackedEntries } from '../app/daos/packed-entries.ts';
import { defaultSnapshotPolicy, type FoldSnapshotStore } from '../app/daos/replica-fold.ts';
import { buildWorkload } from './dao-workload.ts';

const ms = (since: number): number => performance.now() - since;

/** The page's first step: the stored document into a Y.Doc, the ledger's entries out of it (local-replica.ts). */
function loadDoc(update: Uint8Array): { entries: Array<[string, unknown]>; loadMs: number } {
  const begin = performance.now();
  const doc = createDaoDoc();
  const ledger = ledgerMap(doc);
  let entries: Array<[string, unknown]> = [];
  ledger.observe((event) => {
    const added: Array<[string, unknown]> = [];
    for (const [id, change] of event.changes.keys) if (change.action === 'add') added.push([id, ledger.get(id)]);
    entries = added;
  });
  Y.applyUpdate(doc, update);
  const loadMs = ms(begin);
  doc.destroy();
  return { entries, loadMs };
}

/** The page's second step (fold-client.ts): leave out what the worker holds, pack the rest, post it (transferred). */
function sendEntries(entries: Array<[string, unknown]>, heldIds: string): { packed: PackedEntries; sendMs: number } {
  const begin = performance.now();
  const held = heldIds === '' ? null : new Set(heldIds.split('\n'));
  const packed = packEntries(held ? entries.filter(([id]) => !held.has(id)) : entries);
  const moved = structuredClone({ type: 'add', entries: packed }, { transfer: [packed.bytes.buffer] });
  return { packed: moved.entries, sendMs: ms(begin) };
}

/** A whole open: the worker opens its fold (from the snapshot if `store` has one), the page sends, the worker folds and answers. */
async function open(dao: string, entries: Array<[string, unknown]>, store: FoldSnapshotStore, now: number) {
  const server = new FoldServer({ snapshots: () => store, policy: { ...defaultSnapshotPolicy, idleMs: 3_600_000 } });
  let begin = performance.now();
  const opened = await server.handle({ type: 'open', dao, me: null, database: 'bench' });
  const openMs = ms(begin);
  if (opened?.type !== 'opened') throw new Error('the fold did not open');
  const { packed, sendMs } = sendEntries(entries, opened.held);
  begin = performance.now();
  await server.handle({ type: 'add', entries: packed });
  const reply = await server.handle({ type: 'views', id: 0, now });
  const foldMs = ms(begin);
  server.close();
  if (reply?.type !== 'views') throw new Error(`the fold failed: ${reply?.type === 'failed' ? reply.message : 'no answer'}`);
  return { workerMs: openMs + foldMs, sendMs, sent: packed.ends.length, stateHash: reply.views.view?.stateHash, restored: reply.views.restored };
}

export async function benchUiOpen(records = Number(process.env.BENCH_UI_RECORDS ?? 20_000), print: (line: string) => void = console.log): Promise<void> {
  const workload = buildWorkload({ records, perEnvelope: 16 });
  const source = createDaoDoc();
  for (const bytes of workload.envelopes) Y.applyUpdate(source, decodeEnvelope(bytes).update);
  const update = Y.encodeStateAsUpdate(source);
  source.destroy();
  const now = Date.now();
  let snapshot: Uint8Array | null = null;
  const store: FoldSnapshotStore = {
    load: async () => snapshot,
    save: async (bytes) => void (snapshot = bytes),
    clear: async () => void (snapshot = null),
  };

  const best = { load: Infinity, firstSend: Infinity, firstWorker: Infinity, againSend: Infinity, againWorker: Infinity, clone: Infinity, export: Infinity };
  let firstCold = 0;
  let sentAgain = 0;
  for (let round = 0; round < 3; round++) {
    const { entries, loadMs } = loadDoc(update);
    best.load = Math.min(best.load, loadMs);
    let begin = performance.now();
    structuredClone(entries); // how the entries went at first: one small array each
    best.clone = Math.min(best.clone, ms(begin));

    snapshot = null;
    const first = await open(workload.dao, entries, store, now);
    if (first.stateHash !== workload.stateHash || first.restored !== 0) throw new Error('the first open did not fold to the writers\' state');
    if (round === 0) firstCold = first.workerMs;
    best.firstWorker = Math.min(best.firstWorker, first.workerMs);
    best.firstSend = Math.min(best.firstSend, first.sendMs);

    // The snapshot the worker saves once idle.
    const ledger = new DaoLedger(workload.dao);
    feedLedger(ledger, decodeTrustedEntries(entries).records, Date.now());
    begin = performance.now();
    snapshot = ledger.exportFold();
    best.export = Math.min(best.export, ms(begin));

    const again = await open(workload.dao, entries, store, now);
    if (again.stateHash !== workload.stateHash || again.restored !== workload.records) throw new Error('the snapshot did not give the same fold');
    best.againWorker = Math.min(best.againWorker, again.workerMs);
    best.againSend = Math.min(best.againSend, again.sendMs);
    sentAgain = again.sent;
  }

  const total = workload.records.toLocaleString('en-US');
  const f = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;
  print(`a DAO of ${total} records, best of 3 (the first open in this process, code not yet compiled, in brackets)`);
  print(`  first open:  page ${f(best.load + best.firstSend)} (Yjs load ${f(best.load)}, entries packed and moved to the worker ${f(best.firstSend)}; structured-cloned one by one: ${f(best.clone)}), worker ${f(best.firstWorker)} (${f(firstCold)}) to decode, fold and answer`);
  print(`  with the fold's snapshot (${(snapshot?.byteLength ?? 0).toLocaleString('en-US')} bytes, exported in ${f(best.export)}): page ${f(best.load + best.againSend)} (Yjs load ${f(best.load)}, held ids left out ${f(best.againSend)}, ${sentAgain} entries sent), worker ${f(best.againWorker)} to import and answer`);
  print(`  before the worker, the page folded on its main thread on every open: ${f(best.load + best.firstWorker)}`);
}

if (import.meta.main) await benchUiOpen();
