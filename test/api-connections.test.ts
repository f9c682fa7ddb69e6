// Connections to the local API are file descriptors of the node: any program on this machine may open them, and
// the node's store needs descriptors of its own to write. A real CLI node with few descriptors, a real flood.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { makeDataDir, removeDir, repoRoot } from './fixtures/cli.ts';

// prlimit is util-linux's, on every Debian machine (.ci/run's too).
test('a flood of connections to the API leaves the node descriptors to write with', async () => {
  const dataDir = await makeDataDir();
  // 256 descriptors: the node uses about 25, and a flood of 300 idle connections took the rest.
  const node = spawn('prlimit', ['--nofile=256:256', process.execPath, join(repoRoot, 'electron-main', 'cli', 'main.ts'), 'node', '--data', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => node.once('exit', () => resolve()));
  const flood: Socket[] = [];
  try {
    const summary = await new Promise<string>((resolve, reject) => {
      createInterface({ input: node.stdout }).once('line', resolve);
      node.once('exit', (code) => reject(new Error(`the node exited with ${code} before starting`)));
    });
    const port = Number(new URL((JSON.parse(summary) as { api: string }).api).port);
    const api = await connectApi(await readApiEndpoint(dataDir));
    try {
      await api.call('identity.create', { passphrase: 'a long enough passphrase' });
      // Connections that never send a byte (each held until the server's header timeout, a minute).
      for (let i = 0; i < 300; i++) flood.push(connect(port, '127.0.0.1').on('error', () => {}));
      await Promise.all(flood.map((socket) => new Promise((resolve) => (socket.connecting ? socket.once('connect', resolve).once('close', resolve) : resolve(null)))));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { dao } = await api.call('dao.create', { name: 'Under flood', preset: 'simple-majority' });
      assert.equal((await api.call('dao.list', {})).some((summary) => summary.id === dao), true);
    } finally {
      api.close();
    }
  } finally {
    for (const socket of flood) socket.destroy();
    node.kill('SIGTERM');
    await exited;
    await removeDir(dataDir);
  }
});
