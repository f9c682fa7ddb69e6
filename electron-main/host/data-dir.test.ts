import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { withUnrelatedProcess } from './test-processes.ts';
import { dataFiles, lockDataDir, mkdirDurable, removeStaleTemporaries, writeFileAtomic } from './data-dir.ts';

async function withDir(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-data-dir-'));
  try {
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}


test('mkdirDurable makes nested directories owner-only, and again is a no-op', () =>
  withDir(async (dir) => {
    const nested = join(dir, 'a', 'b', 'c');
    await mkdirDurable(nested);
    for (const made of [join(dir, 'a'), join(dir, 'a', 'b'), nested]) {
      const info = await stat(made);
      assert.ok(info.isDirectory(), made);
      if (process.platform !== 'win32') assert.equal(info.mode & 0o777, 0o700, made);
    }
    await writeFile(join(nested, 'kept'), 'x');
    await mkdirDurable(nested);
    await mkdirDurable(join(dir, 'a'));
    assert.equal(await readFile(join(nested, 'kept'), 'utf8'), 'x', 'an existing directory is left as it is');
  }));

test('mkdirDurable takes a path relative to the working directory', () =>
  withDir(async (dir) => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      await mkdirDurable(join('x', 'y'));
    } finally {
      process.chdir(before);
    }
    assert.ok((await stat(join(dir, 'x', 'y'))).isDirectory());
  }));

test('mkdirDurable on a file fails with the file system error', () =>
  withDir(async (dir) => {
    await writeFile(join(dir, 'file'), '');
    await assert.rejects(mkdirDurable(join(dir, 'file')), { code: 'EEXIST' });
    await assert.rejects(mkdirDurable(join(dir, 'file', 'below')), { code: 'ENOTDIR' });
  }));

test('the lock makes the data directory, names this process with its start time, and goes on release', () =>
  withDir(async (dir) => {
    const data = join(dir, 'new', 'data');
    const lock = await lockDataDir(data);
    const owner = JSON.parse(await readFile(join(data, dataFiles.lock), 'utf8')) as { pid: number; started: string | null };
    assert.equal(owner.pid, process.pid);
    if (process.platform === 'linux') assert.match(owner.started!, /^\d+$/);
    await lock.release();
    await assert.rejects(readFile(join(data, dataFiles.lock)), { code: 'ENOENT' });
    await (await lockDataDir(data)).release();
  }));

test('a lock whose process still runs refuses the directory, in the old pid-only form too', () =>
  withDir(async (dir) =>
    withUnrelatedProcess(async (pid) => {
      await writeFile(join(dir, dataFiles.lock), String(pid));
      await assert.rejects(lockDataDir(dir), { code: 'DATA_DIR_IN_USE', message: new RegExp(`\\(pid ${pid}\\)`) });
      if (process.platform === 'linux') {
        const procStat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const started = procStat.slice(procStat.lastIndexOf(')') + 2).split(' ')[22 - 3]; // field 22
        await writeFile(join(dir, dataFiles.lock), JSON.stringify({ pid, started }));
        await assert.rejects(lockDataDir(dir), { code: 'DATA_DIR_IN_USE' });
      }
    }),
  ));

test('a lock whose pid now belongs to another process (pid reused after a crash) is taken over', { skip: process.platform !== 'linux' && 'start times are read on Linux only' }, () =>
  withDir(async (dir) =>
    withUnrelatedProcess(async (pid) => {
      await writeFile(join(dir, dataFiles.lock), JSON.stringify({ pid, started: '1' }));
      const lock = await lockDataDir(dir);
      assert.equal((JSON.parse(await readFile(join(dir, dataFiles.lock), 'utf8')) as { pid: number }).pid, process.pid);
      await lock.release();
    }),
  ));

test('a lock left by a process that is gone, or unreadable, is taken over', () =>
  withDir(async (dir) => {
    const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await once(gone, 'exit');
    for (const leftover of [String(gone.pid), JSON.stringify({ pid: gone.pid, started: '5' }), '', 'garbage', '{"pid":-1}']) {
      await writeFile(join(dir, dataFiles.lock), leftover);
      await (await lockDataDir(dir)).release();
    }
  }));

test('a data directory that is a file is refused in words, not with an errno', () =>
  withDir(async (dir) => {
    const file = join(dir, 'file');
    await writeFile(file, '');
    await assert.rejects(lockDataDir(file), { code: 'BAD_REQUEST', message: `The data directory ${file} is a file, or inside one, not a directory.` });
    await assert.rejects(lockDataDir(join(file, 'below')), { code: 'BAD_REQUEST' });
  }));

/** The pid of a process that has exited: what a node that crashed leaves in its lock. */
async function deadPid(): Promise<number> {
  const gone = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(gone, 'exit');
  return gone.pid!;
}

type Contender = { child: ChildProcess; lines: AsyncIterator<string> };

/**
 * A node process that loads the lock code, says "ready", tries to lock `dir` when told "go", says "locked" or the
 * error's code, and holds what it got until its stdin closes.
 */
const contenderProgram = `
  const { lockDataDir } = await import(${JSON.stringify(new URL('./data-dir.ts', import.meta.url).href)});
  const [dir] = process.argv.slice(-1);
  process.stdout.write('ready\\n');
  process.stdin.once('data', () => lockDataDir(dir).then(() => 'locked', (error) => error.code).then((outcome) => process.stdout.write(outcome + '\\n')));
  process.stdin.on('end', () => process.exit(0));
`;

function startContender(dir: string): Contender {
  const child = spawn(process.execPath, ['--input-type=module', '-e', contenderProgram, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

async function nextLine(contender: Contender): Promise<string> {
  const { value, done } = await contender.lines.next();
  assert.ok(!done, `contender ${contender.child.pid} ended early`);
  return value;
}

test('of many nodes starting at once on one directory exactly one takes it, also when they all find a stale lock', { timeout: 120_000 }, () =>
  withDir(async (dir) => {
    for (let round = 0; round < 4; round++) {
      const stale = round % 2 === 1;
      if (stale) await writeFile(join(dir, dataFiles.lock), JSON.stringify({ pid: await deadPid(), started: '5' }));
      const contenders = Array.from({ length: 8 }, () => startContender(dir));
      try {
        for (const contender of contenders) assert.equal(await nextLine(contender), 'ready');
        for (const contender of contenders) contender.child.stdin!.write('go\n'); // as close together as the parent can
        const outcomes = await Promise.all(contenders.map(nextLine));
        const winners = contenders.filter((_, i) => outcomes[i] === 'locked');
        assert.equal(winners.length, 1, `round ${round} (${stale ? 'stale lock' : 'no lock'}): ${outcomes.join(', ')}`);
        assert.equal(outcomes.filter((outcome) => outcome === 'DATA_DIR_IN_USE').length, contenders.length - 1);
        const owner = JSON.parse(await readFile(join(dir, dataFiles.lock), 'utf8')) as { pid: number };
        assert.equal(owner.pid, winners[0]!.child.pid);
      } finally {
        for (const contender of contenders) contender.child.stdin!.end();
        await Promise.all(contenders.map((contender) => contender.child.exitCode === null && once(contender.child, 'exit')));
      }
      // The winner is gone: its lock is stale now, and nothing else of the contest is left behind.
      assert.deepEqual((await readdir(dir)).filter((name) => name !== dataFiles.lock), []);
    }
  }));

test('locks taken at once in one process (hosts started together): one gets the directory, the others are told it is in use', { skip: process.platform !== 'linux' && 'start times are read on Linux only' }, () =>
  withDir(async (dir) => {
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => lockDataDir(dir)));
    const taken = attempts.filter((attempt) => attempt.status === 'fulfilled');
    assert.equal(taken.length, 1, attempts.map((attempt) => attempt.status).join(', '));
    for (const attempt of attempts) if (attempt.status === 'rejected') assert.equal((attempt.reason as { code: string }).code, 'DATA_DIR_IN_USE');
    await assert.rejects(lockDataDir(dir), { code: 'DATA_DIR_IN_USE' });
    await taken[0]!.value.release();
    await (await lockDataDir(dir)).release();
  }));

test('a takeover cut short (its claim left behind by a contender that died) is taken over in turn', () =>
  withDir(async (dir) => {
    const path = join(dir, dataFiles.lock);
    const stale = JSON.stringify({ pid: await deadPid(), started: '5', nonce: 'a' });
    await writeFile(path, stale);
    // The claim of that lock (named after its bytes' digest), holding what the dead contender meant to write.
    const claim = `${path}.${createHash('sha256').update(stale).digest('hex').slice(0, 32)}.claim`;
    await writeFile(claim, JSON.stringify({ pid: await deadPid(), started: '6', nonce: 'b' }));
    const lock = await lockDataDir(dir);
    assert.equal((JSON.parse(await readFile(path, 'utf8')) as { pid: number }).pid, process.pid);
    assert.deepEqual(await readdir(dir), [dataFiles.lock], 'the claims are cleaned up');
    await lock.release();
  }));

/**
 * A node process that writes, in `dir`, what a contender writes on its way to the lock: a temporary file of
 * node.lock, a claim and a claim's temporary file, each holding its lock text (pid, start time on Linux, nonce)
 * and named as the lock code names them; then says their names on one line and waits until it is killed.
 */
const leftoverWriterProgram = `
  const { readFileSync, writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  const { randomBytes } = require('node:crypto');
  const [dir] = process.argv.slice(-1);
  const stat = process.platform === 'linux' ? readFileSync('/proc/self/stat', 'utf8') : null;
  const started = stat === null ? null : stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
  const text = JSON.stringify({ pid: process.pid, started, nonce: randomBytes(8).toString('hex') });
  const claim = 'node.lock.' + randomBytes(16).toString('hex') + '.claim';
  const names = ['node.lock.', claim + '.'].map((base) => base + process.pid + '.' + randomBytes(4).toString('hex') + '.tmp').concat(claim);
  for (const name of names) writeFileSync(join(dir, name), text);
  process.stdout.write(names.join(' ') + '\\n');
  setInterval(() => {}, 60_000);
`;

async function startLeftoverWriter(dir: string): Promise<{ child: ChildProcess; names: string[] }> {
  const child = spawn(process.execPath, ['-e', leftoverWriterProgram, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, names: line.split(' ') };
}

test('what a contender killed on its way to the lock left is removed by the next node to take it; what a running one writes is kept', () =>
  withDir(async (dir) => {
    const killed = await startLeftoverWriter(dir);
    const running = await startLeftoverWriter(dir);
    try {
      killed.child.kill('SIGKILL');
      await once(killed.child, 'exit');
      // Killed while writing it: a temporary file cut short, which only its name says whose it is.
      const cutShort = `${dataFiles.lock}.${await deadPid()}.0123abcd.tmp`;
      await writeFile(join(dir, cutShort), '{"pid":');
      if (process.platform === 'linux') {
        // Named with a pid another process runs under now (the start time says so): its writer is gone too.
        const pid = running.child.pid!;
        await writeFile(join(dir, `${dataFiles.lock}.${pid}.4567cdef.tmp`), JSON.stringify({ pid, started: '1', nonce: 'c' }));
      }
      // This process's own, with no start time to tell it from another lock's of this process being written: kept.
      const own = `${dataFiles.lock}.${process.pid}.0123abcd.tmp`;
      await writeFile(join(dir, own), '');
      const lock = await lockDataDir(dir);
      assert.deepEqual((await readdir(dir)).sort(), [dataFiles.lock, own, ...running.names].sort());
      await lock.release();
    } finally {
      running.child.kill('SIGKILL');
      await once(running.child, 'exit');
    }
  }));

test('a lock that is no longer this one (taken over by hand) is left alone on release', () =>
  withDir(async (dir) => {
    const lock = await lockDataDir(dir);
    await writeFile(join(dir, dataFiles.lock), JSON.stringify({ pid: process.pid, started: null }));
    await lock.release();
    assert.ok((await readFile(join(dir, dataFiles.lock), 'utf8')).includes(String(process.pid)));
  }));

test("a write that fails leaves no temporary copy, and a killed node's half-written temporaries go at the next start", () =>
  withDir(async (dir) => {
    // The target is a directory with something in it: the rename fails after the copy was written.
    await mkdir(join(dir, 'group-keys.json', 'inside'), { recursive: true });
    await assert.rejects(writeFileAtomic(join(dir, 'group-keys.json'), 'secret keys'));
    assert.deepEqual(await readdir(dir), ['group-keys.json']);
    await rm(join(dir, 'group-keys.json'), { recursive: true });

    const dao = join(dir, 'daos', 'A'.repeat(43));
    await mkdir(dao, { recursive: true });
    const stale = ['group-keys.json.4242.0123abcd.tmp', 'identity.json.77.deadbeef.tmp'];
    const kept = ['group-keys.json', 'node.lock.4242.0123abcd.tmp', `node.lock.${'0'.repeat(32)}.claim.9.0123abcd.tmp`, 'notes.tmp', 'x.12.nothex!.tmp'];
    for (const name of [...stale, ...kept]) await writeFile(join(dir, name), 'x');
    await writeFile(join(dao, 'proposal-arrivals.json.31.89abcdef.tmp'), '{');
    await writeFile(join(dao, 'envelopes.log'), 'log');
    assert.equal(await removeStaleTemporaries(dir), 3);
    assert.deepEqual((await readdir(dir)).filter((name) => name !== 'daos').sort(), [...kept].sort());
    assert.deepEqual(await readdir(dao), ['envelopes.log']);
  }));
