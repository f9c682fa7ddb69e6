// Two nodes with mDNS on and no bootstrap find and connect to each other. mDNS multicasts on every
// interface, so the nodes run in a loopback-only network namespace (unshare -n), never on a real LAN.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDataDir, removeDir, repoRoot } from './fixtures/cli.ts';

const cli = join(repoRoot, 'electron-main', 'cli', 'main.ts');

test('two nodes on one LAN find each other by mDNS, with no bootstrap list', async () => {
  const [a, b] = await Promise.all([makeDataDir(), makeDataDir()]);
  // One shell in a fresh network namespace: start both nodes, wait until each lists the other, print both lists.
  const script = `
    set -e
    ip link set lo up; ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo
    node=${JSON.stringify(process.execPath)}; cli=${JSON.stringify(cli)}
    "$node" "$cli" node --data ${a} --listen /ip4/127.0.0.1/tcp/0 --mdns-interval 500ms --json > ${a}/out 2>${a}/err &
    "$node" "$cli" node --data ${b} --listen /ip4/127.0.0.1/tcp/0 --mdns-interval 500ms --json > ${b}/out 2>${b}/err &
    trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT
    for i in $(seq 1 60); do
      pa=$("$node" "$cli" --data ${a} peers --json 2>/dev/null || echo '[]'); pb=$("$node" "$cli" --data ${b} peers --json 2>/dev/null || echo '[]')
      if [ "$pa" != "[]" ] && [ "$pb" != "[]" ]; then break; fi
      sleep 0.5
    done
    head -1 ${a}/out; head -1 ${b}/out; echo "$pa"; echo "$pb"
  `;
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('unshare', ['-n', 'bash', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`unshare exited ${code}: ${stderr}`))));
    });
    const [infoA, infoB, peersA, peersB] = output.trim().split('\n').map((line) => JSON.parse(line) as unknown);
    const idA = (infoA as { peerId: string }).peerId;
    const idB = (infoB as { peerId: string }).peerId;
    assert.ok((peersA as Array<{ peerId: string }>).some((peer) => peer.peerId === idB), 'a sees b');
    assert.ok((peersB as Array<{ peerId: string }>).some((peer) => peer.peerId === idA), 'b sees a');
  } finally {
    await Promise.all([removeDir(a), removeDir(b)]);
  }
});
