// Issue 3's figures for a DAO on disk: verify-and-apply throughput through the real host path (gate, Yjs,
// fold) next to the raw verifier, and a cold open with a snapshot vs a full re-verify of the log.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecoveryPhrase, memberKeyFromPhrase, type MemberKey } from '../core/identity/member-key.ts';
import { createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';
import { DaoService } from '../electron-main/host/dao-service.ts';
import { DaoReplica } from '../electron-main/host/dao-replica.ts';

export async function benchDaoOpen(records = Number(process.env.BENCH_DAO_RECORDS ?? 20_000), print: (line: string) => void = console.log): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'daomesh-bench-'));
  try {
    const member: MemberKey = memberKeyFromPhrase(createRecoveryPhrase());
    let clock = Date.now();
    const service = await DaoService.open({
      dataDir,
      verify: createNativeEd25519Verify(),
      memberKey: () => member,
      memberAddress: () => member.address,
      onChanged: () => {},
      now: () => clock,
    });
    const { dao } = await service.create({ name: 'Bench', charter: '', preset: 'simple-majority', founders: [] });
    const { proposal } = await service.propose({ dao, title: 'p', params: { kind: 'signal', text: '' } });
    const start = performance.now();
    for (let i = 0; i < records; i++) {
      clock += 1;
      await service.vote({ dao, proposal, choice: i % 2 === 0 ? 'yes' : 'no' });
    }
    const writeSeconds = (performance.now() - start) / 1000;
    await service.close(); // saves a snapshot
    print(`local writes (build, sign, Yjs, fsync, fold), one at a time: ${Math.round(records / writeSeconds).toLocaleString('en-US')} records/s`);

    const verify = createNativeEd25519Verify();
    const daosDir = join(dataDir, 'daos');
    let begin = performance.now();
    const warm = await DaoReplica.open(daosDir, dao, verify);
    const snapshotSeconds = (performance.now() - begin) / 1000;
    await warm.replica.close();

    await rm(join(daosDir, dao, 'snapshots'), { recursive: true, force: true });
    begin = performance.now();
    const cold = await DaoReplica.open(daosDir, dao, verify);
    const fullSeconds = (performance.now() - begin) / 1000;
    const total = cold.replica.ledger.size;
    await cold.replica.close();
    print(`cold open of ${total.toLocaleString('en-US')} records: with snapshot ${snapshotSeconds.toFixed(2)} s; full re-verify through the gate ${fullSeconds.toFixed(2)} s (${Math.round(total / fullSeconds).toLocaleString('en-US')} records/s verify-and-apply); goal < 1 s with the snapshot at 100k`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
