import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dataFiles, lockDataDir, mkdirDurable } from './data-dir.ts';

async function withDir(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-data-dir-'));
  try {
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A live process that is no DAOmesh node: what a pid in a stale node.lock may belong to after a reboot. */
async function withUnrelatedProcess(use: (pid: number) => Promise<void>): Promise<void> {
  const sleeper: ChildProcess = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  try {
    await use(sleeper.pid!);
  } finally {
    sleeper.kill('SIGKILL');
    await once(sleeper, 'exit');
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
