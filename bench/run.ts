// npm run bench: every benchmark (or those named: npm run bench -- verify-apply dao-open), figures printed side by
// side. Nothing is asserted.
import { benchConcurrentRecords } from './concurrent-records.ts';
import { benchDaoOpen } from './dao-open.ts';
import { benchDaoSync } from './dao-sync.ts';
import { benchGossipNodes } from './gossip-nodes.ts';
import { benchLedgerBytes, printLedgerBytes } from './ledger-bytes.ts';
import { benchRecordVerify, type BenchRow } from './record-verify.ts';
import { benchStorage } from './storage.ts';
import { benchUiOpen } from './ui-open.ts';
import { benchVerifyApply } from './verify-apply.ts';

function print(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    const figure = Math.round(row.perSecond).toLocaleString('en-US').padStart(10);
    console.log(`  ${row.name.padEnd(width)}  ${figure} /s${row.note ? `   ${row.note}` : ''}`);
  }
}

/** The benchmarks in the order they run; `npm run bench -- NAME...` runs only those named. */
const sections: Record<string, () => Promise<void> | void> = {
  'record-verify': () => print('Record verification (one core)', benchRecordVerify()),
  'ledger-bytes': () => printLedgerBytes(benchLedgerBytes()),
  storage: async () => {
    console.log('\nHost storage (envelope log, snapshots)');
    await benchStorage((line) => console.log(`  ${line}`));
  },
  'verify-apply': async () => {
    console.log('\nVerify-and-apply through the gate, Yjs and the fold, by envelope size (BENCH_VERIFY_RECORDS records each, default 10,000, the one-record rows 5,000; one core)');
    await benchVerifyApply(undefined, (line) => console.log(`  ${line}`));
  },
  'concurrent-records': () => {
    console.log("\nOne member's concurrent records in the fold (BENCH_CONCURRENT_SIZES, default 1,000, 4,000, 16,000), then as many again on top");
    benchConcurrentRecords(undefined, (line) => console.log(`  ${line}`));
  },
  'dao-open': async () => {
    console.log('\nA DAO on disk (BENCH_DAO_RECORDS records, default 100,000)');
    await benchDaoOpen(undefined, (line) => console.log(`  ${line}`));
  },
  'ui-open': async () => {
    console.log('\nA DAO opened in the UI (BENCH_UI_RECORDS records, default 20,000): page main thread vs fold worker');
    await benchUiOpen(undefined, (line) => console.log(`  ${line}`));
  },
  'dao-sync': async () => {
    console.log('\nPeer-to-peer sync (BENCH_SYNC_NODES hosts in this process, default 12; BENCH_SYNC_RECORDS each, default 500)');
    await benchDaoSync(undefined, undefined, { print: (line) => console.log(`  ${line}`) });
  },
  'gossip-nodes': async () => {
    console.log('\nGossip at scale (BENCH_GOSSIP_NODES headless node processes, default 16; 0 skips)');
    if (Number(process.env.BENCH_GOSSIP_NODES ?? 16) > 0) await benchGossipNodes(undefined, (line) => console.log(`  ${line}`));
  },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !Object.hasOwn(sections, name));
if (unknown.length > 0) {
  console.error(`No benchmark named ${unknown.join(', ')}. The benchmarks: ${Object.keys(sections).join(', ')} (none named: all of them).`);
  process.exit(2);
}
console.log(`DAOmesh benchmarks — Node ${process.version}, one core, ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(sections)) if (asked.length === 0 || asked.includes(name)) await run();
