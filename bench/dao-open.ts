// Issue 3, goal 2: a cold open of a DAO on disk, with its snapshot vs a full re-verify of its envelope log,
// and the local write rate into it. The DAO is a real one (bench/dao-workload.ts: five members, device keys,
// votes, proposals, tally certificates, concurrent rounds of 16-record envelopes), written straight into its
// envelope log as a peer's catch-up would have delivered it; the first open verifies all of it through the
// gate and the close after it saves the snapshot the second open starts from.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { memberKeyFromPrivateKey } from '../core/identity/member-key.ts';
import { createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';
import { DaoService } from '../electron-main/host/dao-service.ts';
import { DaoReplica } from '../electron-main/host/dao-replica.ts';
import { EnvelopeLog } from '../electron-main/host/envelope-log.ts';
import { buildWorkload, catchUpFrames } from './dao-workload.ts';

const seconds = (since: number) => (performance.now() - since) / 1000;

export async function benchDaoOpen(records = Number(process.env.BENCH_DAO_RECORDS ?? 20_000), print: (line: string) => void = console.log): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-bench-'));
  try {
    let begin = performance.now();
    const workload = buildWorkload({ records, perEnvelope: 16 });
    const daosDir = join(dataDir, 'daos');
    await mkdir(join(daosDir, workload.dao), { recursive: true });
    const log = await EnvelopeLog.open(join(daosDir, workload.dao, 'envelopes.log'));
    for (let i = 0; i < workload.envelopes.length; i += 1024) await log.append(workload.envelopes.slice(i, i + 1024));
    await log.close();
    print(`a DAO of ${workload.records.toLocaleString('en-US')} records in ${workload.envelopes.length.toLocaleString('en-US')} envelopes (built and written in ${seconds(begin).toFixed(1)} s)`);

    const verify = createNativeEd25519Verify();
    begin = performance.now();
    const full = await DaoReplica.open(daosDir, workload.dao, verify);
    const fullSeconds = seconds(begin);
    if (full.replica.ledger.stateHash() !== workload.stateHash) throw new Error('the replica disagrees with the writers');
    begin = performance.now();
    await full.replica.close(); // saves the snapshot
    const saveSeconds = seconds(begin);

    // Best of three (the machine is shared, and a cold open is short enough for a neighbour to double it); the
    // first is also the first in this process, with the code not yet compiled, as when the app starts.
    let coldSeconds = 0;
    let snapshotSeconds = Infinity;
    let stateSeconds = Infinity;
    let docSeconds = Infinity;
    for (let round = 0; round < 3; round++) {
      begin = performance.now();
      const warm = await DaoReplica.open(daosDir, workload.dao, verify);
      if (round === 0) coldSeconds = seconds(begin);
      snapshotSeconds = Math.min(snapshotSeconds, seconds(begin));
      begin = performance.now();
      const state = warm.replica.ledger.state(Date.now());
      stateSeconds = Math.min(stateSeconds, seconds(begin));
      begin = performance.now();
      void warm.replica.doc;
      docSeconds = Math.min(docSeconds, seconds(begin));
      if (state.stateHash !== workload.stateHash || !warm.report.foldFromSnapshot) throw new Error('the snapshot did not give the same fold');
      await warm.replica.close(); // unchanged: writes nothing
    }

    const total = workload.records.toLocaleString('en-US');
    print(`cold open of ${total} records, full re-verify through the gate: ${fullSeconds.toFixed(2)} s (${Math.round(workload.records / fullSeconds).toLocaleString('en-US')} records/s verify-and-apply)`);
    print(
      `cold open of ${total} records with the snapshot: ${coldSeconds.toFixed(2)} s the first time, ${snapshotSeconds.toFixed(2)} s at best of 3 (goal: < 1 s at 100k); ` +
        `then the first state ${stateSeconds.toFixed(2)} s, the Y.Doc on first use ${docSeconds.toFixed(2)} s`,
    );
    print(`snapshot of ${total} records (doc state + fold state), saved on close: ${saveSeconds.toFixed(2)} s`);

    // Catch-up into a new replica of the DAO, frame by frame as a peer sends them (one fsync each): with the
    // snapshots paced (a due one waits for 9x the last one's duration) and, side by side, on the record count alone.
    const frames = catchUpFrames(workload.envelopes);
    const catchUp = async (name: string, snapshotPause: number): Promise<string> => {
      const { replica } = await DaoReplica.open(join(dataDir, name), workload.dao, verify, { snapshotPause });
      begin = performance.now();
      for (const frame of frames) for (const outcome of await replica.acceptRemoteMany(frame)) if (!outcome.ok) throw new Error(outcome.reason.message);
      const rate = workload.records / seconds(begin);
      const taken = replica.snapshotsTaken;
      await replica.close();
      return `${Math.round(rate).toLocaleString('en-US')} records/s with ${taken} snapshots`;
    };
    const paced = await catchUp('paced', 9);
    const eager = await catchUp('eager', 0);
    print(`catch-up of ${total} records into a new replica (gate, Yjs, fold, log): snapshots paced ${paced}; on the record count alone ${eager}`);

    // Local writes into the DAO, as its first member from a new device (the first write delegates to it).
    const member = memberKeyFromPrivateKey(sha256(utf8ToBytes('daomesh bench member 0')));
    let clock = Date.now();
    const service = await DaoService.open({
      dataDir,
      verify,
      memberKey: () => member,
      memberAddress: () => member.address,
      onChanged: () => {},
      now: () => clock,
    });
    // The first write builds the doc from the snapshot (and delegates to this device): timed on its own.
    begin = performance.now();
    const { proposal } = await service.propose({ dao: workload.dao, title: 'p', params: { kind: 'signal', text: '' } });
    const firstSeconds = seconds(begin);
    const writes = 2_000;
    begin = performance.now();
    for (let i = 0; i < writes; i++) {
      clock += 1;
      await service.vote({ dao: workload.dao, proposal, choice: i % 2 === 0 ? 'yes' : 'no' });
    }
    const writeSeconds = seconds(begin);
    await service.close();
    print(
      `local writes into it (build, sign, Yjs, fsync, fold), one at a time: ${Math.round(writes / writeSeconds).toLocaleString('en-US')} records/s ` +
        `(the first after opening, which builds the Y.Doc: ${firstSeconds.toFixed(2)} s)`,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchDaoOpen();
