// Two headless nodes started through the CLI on 127.0.0.1, the second bootstrapping from the first.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Peer } from '../core/bridge/api.ts';
import { makeDataDir, removeDir, runCli, runCliJson, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';

let first: RunningNode;
let second: RunningNode;

before(async () => {
  first = await startCliNode();
  second = await startCliNode({ args: ['--bootstrap', first.info.listen[0]!] });
});

after(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await Promise.all([first && removeDir(first.dataDir), second && removeDir(second.dataDir)]);
});

test('node --json prints its summary as the first stdout line', () => {
  for (const node of [first, second]) {
    assert.match(node.info.peerId, /^12D3KooW/);
    assert.equal(node.info.address, null);
    assert.ok(node.info.listen.length > 0);
    for (const address of node.info.listen) assert.match(address, new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${node.info.peerId}$`));
    assert.match(node.info.api, /^ws:\/\/127\.0\.0\.1:\d+\/api$/);
    assert.equal(node.info.ui, null);
  }
});

test('the two nodes see each other in `peers --json`', async () => {
  const seenByFirst = await waitFor('first node to list the second', async () => {
    const peers = await runCliJson<Peer[]>(['--data', first.dataDir, 'peers']);
    return peers.find((peer) => peer.peerId === second.info.peerId);
  });
  const seenBySecond = await waitFor('second node to list the first', async () => {
    const peers = await runCliJson<Peer[]>(['--data', second.dataDir, 'peers']);
    return peers.find((peer) => peer.peerId === first.info.peerId);
  });
  assert.ok(seenByFirst.addrs.length > 0);
  assert.ok(seenBySecond.addrs.some((address) => first.info.listen.includes(address)));
});

test('`id --json` prints the address and peer id; --data works before or after the command', async () => {
  assert.deepEqual(await runCliJson(['--data', first.dataDir, 'id']), { address: null, peerId: first.info.peerId });
  assert.deepEqual(await runCliJson(['id', '--data', second.dataDir]), { address: null, peerId: second.info.peerId });
});

test('an identity made through the CLI shows in `id` and survives a restart, locked until unlocked', async () => {
  const dataDir = await makeDataDir();
  const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
  let node = await startCliNode({ dataDir });
  try {
    const nothingToLock = await runCli(['--data', dataDir, 'identity', 'lock']);
    assert.equal(nothingToLock.code, 1);
    assert.match(nothingToLock.stderr, /^daomesh: This node has no member identity to lock\./);
    const created = await runCli(['--data', dataDir, 'identity', 'create', '--json'], { env });
    assert.equal(created.code, 0, created.stderr);
    const { address, phrase } = JSON.parse(created.stdout) as { address: string; phrase: string };
    assert.equal(phrase.split(' ').length, 12);
    assert.deepEqual(await runCliJson(['--data', dataDir, 'id']), { address, peerId: node.info.peerId });

    const peerIdBefore = node.info.peerId;
    await node.stop();
    node = await startCliNode({ dataDir });
    assert.equal(node.info.peerId, peerIdBefore, 'the device key persists');
    assert.equal(node.info.address, address, 'the address is known while locked');
    const status = await runCliJson<{ identity: string; peerId: string; backupPending: boolean }>(['--data', dataDir, 'status']);
    assert.equal(status.identity, 'locked');
    // The phrase was printed once; until someone says it is written down, the node keeps saying so, restarts included.
    assert.equal(status.backupPending, true);
    assert.match((await runCli(['--data', dataDir, 'status'])).stdout, /^backup: {3}recovery phrase not confirmed written down/m);
    assert.deepEqual(await runCliJson(['--data', dataDir, 'identity', 'confirm-backup']), { backupPending: false });
    assert.equal((await runCliJson<{ backupPending: boolean }>(['--data', dataDir, 'status'])).backupPending, false);
    assert.doesNotMatch((await runCli(['--data', dataDir, 'status'])).stdout, /^backup:/m);

    const wrong = await runCli(['--data', dataDir, 'identity', 'unlock'], { env: { DAOMESH_PASSPHRASE: 'not the passphrase' } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^daomesh: That passphrase does not unlock this identity\..*\n$/);
    const backup = await runCliJson<{ phrase: string }>(['--data', dataDir, 'identity', 'backup', '--passphrase-file', '/dev/null']).catch((error: Error) => error);
    assert.ok(backup instanceof Error, 'an empty passphrase is refused');

    const unlocked = await runCli(['--data', dataDir, 'identity', 'unlock', '--json'], { env });
    assert.equal(unlocked.code, 0, unlocked.stderr);
    assert.equal((await runCliJson<{ identity: string }>(['--data', dataDir, 'status'])).identity, 'unlocked');
  } finally {
    await node.stop();
    await removeDir(dataDir);
  }
});

test('`--help` lists every command', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  for (const command of ['node', 'id', 'peers', 'status', 'identity create', 'identity restore', 'identity unlock', 'identity lock', 'identity backup', 'identity confirm-backup']) {
    assert.match(help.stdout, new RegExp(`\\b${command}\\b`), command);
  }
});

test('failures exit non-zero with a one-line error', async () => {
  const empty = await makeDataDir();
  try {
    const notRunning = await runCli(['--data', empty, 'peers', '--json']);
    assert.equal(notRunning.code, 1);
    assert.equal(notRunning.stdout, '');
    const line = notRunning.stderr.trimEnd();
    assert.ok(!line.includes('\n'));
    assert.equal((JSON.parse(line) as { error: { code: string } }).error.code, 'NODE_NOT_RUNNING');

    const badBootstrap = await runCli(['--data', empty, 'node', '--no-mdns', '--bootstrap', '/ip4/127.0.0.1/tcp/1']);
    assert.equal(badBootstrap.code, 1);
    assert.match(badBootstrap.stderr, /^daomesh: A bootstrap address must end with \/p2p\/<peer id>.*\n$/);

    const badListen = await runCli(['--data', empty, 'node', '--no-mdns', '--listen', 'not-an-address']);
    assert.equal(badListen.code, 1);
    assert.match(badListen.stderr, /^daomesh: Not a multiaddr: not-an-address/);

    const inUse = await runCli(['--data', first.dataDir, 'node', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /^daomesh: Another DAOmesh node \(pid \d+\) is already using/);

    // Ports another program holds (here the first node's): said plainly, naming the option to change.
    const takenListen = first.info.listen[0]!.replace(/\/p2p\/.*$/, '');
    const busyListen = await runCli(['--data', empty, 'node', '--no-mdns', '--listen', takenListen]);
    assert.equal(busyListen.code, 1);
    assert.equal(busyListen.stderr, `daomesh: Could not listen on ${takenListen}: the port is in use by another program. Choose another port in --listen, or /tcp/0 for any free one.\n`);
    const takenApi = new URL(first.info.api).port;
    const busyApi = await runCli(['--data', empty, 'node', '--no-mdns', '--api-port', takenApi]);
    assert.equal(busyApi.code, 1);
    assert.match(busyApi.stderr, new RegExp(`^daomesh: The local API cannot listen on port ${takenApi}: it is in use by another program\\. Choose another with --api-port`));

    const unknown = await runCli(['frobnicate']);
    assert.notEqual(unknown.code, 0);
  } finally {
    await removeDir(empty);
  }
});
