// npm run bench: every benchmark, figures printed side by side. Nothing is asserted.
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

console.log(`DAOmesh benchmarks — Node ${process.version}, one core, ${new Date().toISOString()}`);
print('Record verification (one core)', benchRecordVerify());
printLedgerBytes(benchLedgerBytes());
console.log('\nHost storage (envelope log, snapshots)');
await benchStorage((line) => console.log(`  ${line}`));
console.log('\nVerify-and-apply through the gate, Yjs and the fold, by envelope size (BENCH_VERIFY_RECORDS records each, default 10,000; one core)');
await benchVerifyApply(undefined, (line) => console.log(`  ${line}`));
console.log("\nOne member's concurrent records in the fold (BENCH_CONCURRENT_SIZES, default 1,000, 4,000, 16,000), then as many again on top");
benchConcurrentRecords(undefined, (line) => console.log(`  ${line}`));
console.log('\nA DAO on disk (BENCH_DAO_RECORDS records, default 20,000)');
await benchDaoOpen(undefined, (line) => console.log(`  ${line}`));
console.log('\nA DAO opened in the UI (BENCH_UI_RECORDS records, default 20,000): page main thread vs fold worker');
await benchUiOpen(undefined, (line) => console.log(`  ${line}`));
console.log('\nPeer-to-peer sync (BENCH_SYNC_NODES hosts in this process, default 12; BENCH_SYNC_RECORDS each, default 500)');
await benchDaoSync(undefined, undefined, { print: (line) => console.log(`  ${line}`) });
console.log('\nGossip at scale (BENCH_GOSSIP_NODES headless node processes, default 16; 0 skips)');
if (Number(process.env.BENCH_GOSSIP_NODES ?? 16) > 0) await benchGossipNodes(undefined, (line) => console.log(`  ${line}`));
