// A node killed with SIGKILL in the middle of writing votes restarts with every acknowledged record there,
// and keeps working. Real CLI node, real disk, real kill, several times over.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { makeDataDir, removeDir, runCli, startCliNode, type RunningNode } from './fixtures/cli.ts';

const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };

test('SIGKILL mid-writes loses no acknowledged record, many times over', async () => {
  const dataDir = await makeDataDir();
  let node: RunningNode = await startCliNode({ dataDir, env });
  try {
    assert.equal((await runCli(['--data', dataDir, 'identity', 'create', '--json'], { env })).code, 0);
    let api = await connectApi(await readApiEndpoint(dataDir));
    const { dao } = await api.call('dao.create', { name: 'Crash Club', charter: '', preset: 'simple-majority', founders: [] });
    const { proposal } = await api.call('dao.propose', { dao, title: 'Keep going', params: { kind: 'signal', text: '' } });
    let acknowledged = (await api.call('dao.get', { dao })).records;
    api.close();

    for (let cycle = 0; cycle < 6; cycle++) {
      api = await connectApi(await readApiEndpoint(dataDir));
      const killAfterMs = 150 + Math.floor(Math.random() * 600);
      const killer = setTimeout(() => node.process.kill('SIGKILL'), killAfterMs);
      // Write until the node dies; count what it acknowledged.
      for (let i = 0; ; i++) {
        try {
          await api.call('dao.vote', { dao, proposal, choice: i % 2 === 0 ? 'yes' : 'no' });
          acknowledged += 1;
        } catch {
          break;
        }
      }
      clearTimeout(killer);
      api.close();
      await node.stop();

      node = await startCliNode({ dataDir, env });
      api = await connectApi(await readApiEndpoint(dataDir));
      const view = await api.call('dao.get', { dao });
      assert.ok(view.records >= acknowledged, `cycle ${cycle}: ${view.records} records on disk, ${acknowledged} acknowledged`);
      assert.ok(view.records <= acknowledged + 1, `cycle ${cycle}: at most the one unacknowledged write in flight survives`);
      acknowledged = view.records;
      // Every vote but the latest is kept as superseded, and nothing else: no record refused or damaged.
      assert.deepEqual(new Set(view.evidence.map((entry) => entry.reason)), new Set(view.evidence.length > 0 ? ["superseded by the member's later vote"] : []));
      api.close();
    }
    // A clean restart reproduces the same state.
    api = await connectApi(await readApiEndpoint(dataDir));
    const before = await api.call('dao.get', { dao });
    api.close();
    await node.stop();
    node = await startCliNode({ dataDir, env });
    api = await connectApi(await readApiEndpoint(dataDir));
    assert.equal((await api.call('dao.get', { dao })).stateHash, before.stateHash);
    api.close();
  } finally {
    await node.stop();
    await removeDir(dataDir);
  }
});
