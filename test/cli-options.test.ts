// Options the CLI checks before it does anything: numbers out of range or not numbers, a data directory that is
// a file, and a data directory whose leftover lock names a process that is no node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDataDir, removeDir, repoRoot, runCli, startCliNode } from './fixtures/cli.ts';

/** The CLI refused with one line and exit code 1, before touching the data directory. */
async function assertRefused(args: string[], message: RegExp): Promise<void> {
  const root = await makeDataDir();
  try {
    const dataDir = join(root, 'data');
    const refused = await runCli(['--data', dataDir, ...args]);
    assert.equal(refused.code, 1, `${args.join(' ')}: ${refused.stderr}`);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^daomesh: [^\n]*\n$/, `one line, no stack trace: ${refused.stderr}`);
    assert.match(refused.stderr, message);
    await assert.rejects(access(dataDir), { code: 'ENOENT' }, 'refused before the data directory is made');
  } finally {
    await removeDir(root);
  }
}

test('`node` refuses a number option that is no number or out of range, naming it and its range', async () => {
  const refusals: [string[], RegExp][] = [
    [['--sync-interval', 'abc'], /^daomesh: --sync-interval takes a duration, not "abc"\. Use a number with a unit \(ms, s, m, h or d\)/],
    [['--sync-interval', '30'], /^daomesh: --sync-interval takes a duration, not "30"\. Say which you mean: 30s, 30m, 30h or 30d \(30ms for milliseconds\)\.\n$/],
    [['--sync-interval', '0'], /^daomesh: --sync-interval takes a duration from 100ms to 24d, not "0"\.\n$/],
    [['--sync-interval', '30d'], /^daomesh: --sync-interval takes a duration from 100ms to 24d, not "30d"\./],
    [['--mdns-interval', 'abc'], /^daomesh: --mdns-interval takes a duration, not "abc"\./],
    [['--mdns-interval', '-5'], /^daomesh: --mdns-interval takes a duration, not "-5"\./],
    [['--api-port', 'abc'], /^daomesh: --api-port takes a port from 0 to 65535 \(0: any free port\), not "abc"\.\n$/],
    [['--api-port', '99999'], /^daomesh: --api-port takes a port from 0 to 65535 \(0: any free port\), not "99999"\./],
    [['--api-port', '80x'], /^daomesh: --api-port takes a port/],
  ];
  for (const [options, message] of refusals) await assertRefused(['node', '--no-mdns', ...options], message);

  const root = await makeDataDir();
  try {
    const asJson = await runCli(['--data', join(root, 'data'), 'node', '--no-mdns', '--api-port', '-1', '--json']);
    assert.equal(asJson.code, 1);
    assert.deepEqual(JSON.parse(asJson.stderr), { error: { code: 'BAD_REQUEST', message: '--api-port takes a port from 0 to 65535 (0: any free port), not "-1".' } });
  } finally {
    await removeDir(root);
  }
});

test('DAO commands refuse number and duration options out of the bridge’s range before asking the node', async () => {
  const dao = 'A'.repeat(43);
  const proposal = 'B'.repeat(43);
  const refusals: [string[], RegExp][] = [
    [['dao', 'create', '--name', 'x', '--member-cap', 'abc'], /^daomesh: --member-cap takes a whole number from 2 to 100, not "abc"\.\n$/],
    [['dao', 'create', '--name', 'x', '--member-cap', '1'], /^daomesh: --member-cap takes a whole number from 2 to 100, not "1"\./],
    [['proposal', 'create', dao, '--title', 't', '--kind', 'member.add', '--shares', '1.5'], /^daomesh: --shares takes a whole number from 0 to 1000000, not "1\.5"\./],
    [['proposal', 'create', dao, '--title', 't', '--kind', 'reputation.grant', '--points', '0'], /^daomesh: --points takes a whole number from 1 to 1000000, not "0"\./],
    [['vote', dao, proposal, 'yes', '--votes', '1001'], /^daomesh: --votes takes a whole number from 1 to 1000, not "1001"\./],
    [['vote', dao, proposal, 'yes', '--votes', '12abc'], /^daomesh: --votes takes a whole number from 1 to 1000, not "12abc"\./],
    [['dao', 'create', '--name', 'x', '--voting-period', '500ms'], /^daomesh: --voting-period takes a duration from 1s to 90d, not "500ms"\.\n$/],
    [['dao', 'create', '--name', 'x', '--grace-period', '91d'], /^daomesh: --grace-period takes a duration from 0s to 90d, not "91d"\./],
    [['dao', 'create', '--name', 'x', '--voting-period', 'soon'], /^daomesh: --voting-period takes a duration, not "soon"\./],
    [['dao', 'invite', dao, '--expires', '91d'], /^daomesh: --expires takes a duration from 1s to 90d, not "91d"\./],
  ];
  for (const [args, message] of refusals) await assertRefused(args, message);
});

test('a data directory that is a file is refused with a hint, not an INTERNAL errno', async () => {
  const root = await makeDataDir();
  try {
    const file = join(root, 'not-a-dir');
    await writeFile(file, '');
    const refused = await runCli(['--data', file, 'node', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `daomesh: The data directory ${file} is a file, or inside one, not a directory. Pass --data a directory (it is made if missing).\n`);
    const below = await runCli(['--data', join(file, 'below'), 'node', '--no-mdns', '--json']);
    assert.equal((JSON.parse(below.stderr) as { error: { code: string } }).error.code, 'BAD_REQUEST');
  } finally {
    await removeDir(root);
  }
});

test('a node starts although its leftover node.lock names a pid now used by an unrelated process', { skip: process.platform !== 'linux' && 'start times are read on Linux only' }, async () => {
  const dataDir = await makeDataDir();
  // After a crash and a reboot, the crashed node's pid may belong to anything: here a `sleep`.
  const sleeper = spawn('sleep', ['120'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  try {
    // Were the start time the sleeper's own, the lock would be live: the check is on the process, not the file's form.
    const procStat = await readFile(`/proc/${sleeper.pid}/stat`, 'utf8');
    const started = procStat.slice(procStat.lastIndexOf(')') + 2).split(' ')[22 - 3]; // field 22: start time
    await writeFile(join(dataDir, 'node.lock'), JSON.stringify({ pid: sleeper.pid, started }));
    const held = await runCli(['--data', dataDir, 'node', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0', '--json']);
    assert.equal((JSON.parse(held.stderr) as { error: { code: string } }).error.code, 'DATA_DIR_IN_USE');

    await writeFile(join(dataDir, 'node.lock'), JSON.stringify({ pid: sleeper.pid, started: '1' }));
    const node = await startCliNode({ dataDir });
    try {
      assert.match(node.info.peerId, /^12D3KooW/);
      const second = await runCli(['--data', dataDir, 'node', '--no-mdns', '--listen', '/ip4/127.0.0.1/tcp/0']);
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`^daomesh: Another DAOmesh node \\(pid ${node.process.pid}\\) is already using`), 'the new lock holds');
    } finally {
      await node.stop();
    }
    assert.equal(sleeper.exitCode, null, 'the unrelated process was left alone');
  } finally {
    sleeper.kill('SIGKILL');
    await once(sleeper, 'exit');
    await removeDir(dataDir);
  }
});

test('an empty --data is refused, not taken as the working directory', async () => {
  for (const data of ['', '  ']) {
    const refused = await runCli(['--data', data, 'node']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^daomesh: --data takes a directory, not "\s*"\. Name the directory, or leave --data out for the default\.\n$/);
  }
});

test('a reader that closes the pipe early ends the command quietly, with exit code 0', async () => {
  const node = await startCliNode();
  try {
    // `daomesh --data D peers --json | (exit 0)`: stdout is closed before the command prints.
    const child = spawn(process.execPath, [join(repoRoot, 'electron-main', 'cli', 'main.ts'), '--data', node.dataDir, 'status'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'close')) as [number];
    assert.equal(stderr, '', 'no stack trace');
    assert.equal(code, 0);
  } finally {
    await node.stop();
    await removeDir(node.dataDir);
  }
});

test('under `npm run daomesh`, a relative --data and --passphrase-file are taken from the folder npm was run in, not the project\'s', async () => {
  const folder = await makeDataDir('daomesh-npm-cwd-');
  try {
    await writeFile(join(folder, 'passphrase.txt'), 'a long enough passphrase\n');
    const npm = spawn('npm', ['--prefix', repoRoot, 'run', '-s', 'daomesh', '--', '--data', 'relative-data', 'identity', 'unlock', '--passphrase-file', 'passphrase.txt'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(npm, 'close')) as [number | null];
    // The file was read (from the folder), and the node asked for is the one in the folder: none runs there.
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`No DAOmesh node is running for ${join(folder, 'relative-data').replaceAll('/', '\\/')}\\.`));
  } finally {
    await removeDir(folder);
  }
});
