import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { withUnrelatedProcess } from './test-processes.ts';
import { readApiEndpoint } from './api-client.ts';
import { dataFiles, processStartTime } from './data-dir.ts';


const secret = 'a'.repeat(64);

async function withEndpoint(endpoint: unknown, use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-api-endpoint-'));
  try {
    await writeFile(join(dir, dataFiles.apiSecret), secret);
    await writeFile(join(dir, dataFiles.apiEndpoint), `${JSON.stringify(endpoint)}\n`);
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}


const url = 'ws://127.0.0.1:9/api';

test('an api.json whose pid now belongs to a process started later is stale, and its secret stays home', () =>
  withUnrelatedProcess(async (pid) => {
    const started = await processStartTime(pid);
    // Start times are read from /proc; elsewhere api.json, like node.lock, holds none and the pid alone decides.
    if (process.platform !== 'linux') return assert.equal(started, null);
    assert.ok(started !== null);
    await withEndpoint({ url, pid, started: String(BigInt(started) - 1n) }, async (dir) => {
      await assert.rejects(readApiEndpoint(dir), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'NODE_NOT_RUNNING');
        assert.match(error.message, new RegExp(`pid ${pid}\\) has exited without removing it`));
        return true;
      });
    });
  }),
);

test('an api.json naming a live pid but no start time (as written before start times were kept) is not trusted', () =>
  withUnrelatedProcess(async (pid) => {
    await withEndpoint({ url, pid }, async (dir) => {
      await assert.rejects(readApiEndpoint(dir), { code: 'NODE_NOT_RUNNING' });
    });
  }),
);

test('an api.json whose pid and start time are its running writer\'s is used', async () => {
  await withUnrelatedProcess(async (pid) => {
    await withEndpoint({ url, pid, started: await processStartTime(pid) }, async (dir) => {
      assert.deepEqual(await readApiEndpoint(dir), { url, secret });
    });
  });
  // A host in this very process, as tests and the Electron main process run one.
  await withEndpoint({ url, pid: process.pid, started: await processStartTime(process.pid) }, async (dir) => {
    assert.deepEqual(await readApiEndpoint(dir), { url, secret });
  });
});

test('where no start time could be recorded, a live pid is enough, as for node.lock', () =>
  withEndpoint({ url, pid: process.pid, started: null }, async (dir) => {
    assert.deepEqual(await readApiEndpoint(dir), { url, secret });
  }),
);
