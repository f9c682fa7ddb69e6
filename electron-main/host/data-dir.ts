// The node's data directory: keys, the local API secret and, later, the DAO stores. One running node per
// directory, held by a lock file naming the owner process.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DaomeshError } from '../../core/errors.ts';

export function defaultDataDir(): string {
  if (process.env.DAOMESH_DATA) return resolve(process.env.DAOMESH_DATA);
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'DAOmesh');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'DAOmesh');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'daomesh');
}

export const dataFiles = {
  lock: 'node.lock',
  deviceKey: 'device-key',
  identity: 'identity.json',
  apiSecret: 'api-secret',
  apiEndpoint: 'api.json',
} as const;

export type DataDirLock = { release(): Promise<void> };

/**
 * Who holds node.lock: its pid, and on Linux when that process started, so that a pid the system gave to another
 * process after a crash or a reboot does not pass for the owner. Older lock files hold the pid alone.
 */
type LockOwner = { pid: number; started: string | null };

/** The start time of a running process, in clock ticks since boot (field 22 of /proc/<pid>/stat); null elsewhere. */
async function processStartTime(pid: number): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  // The command name (field 2) is in parentheses and may hold spaces or parentheses: count from the last ")".
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  const started = fields?.[22 - 3];
  return started !== undefined && /^\d+$/.test(started) ? started : null;
}

function parseLockOwner(text: string): LockOwner | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value === 'number') value = { pid: value, started: null }; // written before the start time was kept
  if (typeof value !== 'object' || value === null) return null;
  const { pid, started } = value as { pid?: unknown; started?: unknown };
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return null;
  return { pid, started: typeof started === 'string' ? started : null };
}

/** Whether the process that wrote node.lock still runs; a pid now used by another process does not count. */
async function lockOwnerRuns(owner: LockOwner): Promise<boolean> {
  if (owner.pid === process.pid || !isAlive(owner.pid)) return false;
  if (owner.started === null) return true;
  const started = await processStartTime(owner.pid);
  return started === null || started === owner.started;
}

/** Takes the directory for this process; a second node on the same directory gets DATA_DIR_IN_USE. */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  try {
    await mkdirDurable(dir);
  } catch (error) {
    throw unusableDataDir(dir, error);
  }
  const path = join(dir, dataFiles.lock);
  const self: LockOwner = { pid: process.pid, started: await processStartTime(process.pid) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(self));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unusableDataDir(dir, error);
      const owner = parseLockOwner(await readFile(path, 'utf8').catch(() => ''));
      if (owner !== null && (await lockOwnerRuns(owner))) {
        throw new DaomeshError(
          'DATA_DIR_IN_USE',
          `Another DAOmesh node (pid ${owner.pid}) is already using ${dir}.`,
          'Stop it first, or pass a different --data directory.',
        );
      }
      await rm(path, { force: true }); // left by a node that crashed
    }
  }
  throw new DaomeshError('DATA_DIR_IN_USE', `Could not lock ${dir}.`);
}

/** A data directory that cannot be made or written: said in words rather than as an INTERNAL errno. */
function unusableDataDir(dir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new DaomeshError('BAD_REQUEST', `The data directory ${dir} is a file, or inside one, not a directory.`, 'Pass --data a directory (it is made if missing).');
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new DaomeshError('BAD_REQUEST', `The data directory ${dir} cannot be written (${code}).`, 'Pass --data a directory you may write to.');
  }
  return error;
}

/**
 * mkdir -p whose new directories survive a power cut: each one it makes is fsynced into its parent (a new
 * directory entry is durable only once its parent is). Idempotent; Windows cannot open a directory to fsync it.
 */
export async function mkdirDurable(path: string): Promise<void> {
  const target = resolve(path);
  const first = await mkdir(target, { recursive: true, mode: 0o700 });
  if (first === undefined || process.platform === 'win32') return;
  // `first` is the outermost directory made; every directory from it down to `target` is new.
  const parents: string[] = [];
  for (let made = target; ; made = dirname(made)) {
    parents.push(dirname(made));
    if (made === first || dirname(made) === made) break;
  }
  for (const parent of parents) {
    const handle = await open(parent, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Whether a process with this pid runs (one of another user's counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes a file so that a crash leaves either the old or the new content, never half of it. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await chmod(path, mode);
  // The rename is durable only once the directory entry is: fsync the directory (not possible on Windows).
  if (process.platform !== 'win32') {
    const directory = await open(dirname(path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

/**
 * The secret every local API caller must present, new each time a node starts. A secret that outlived its node
 * would open the next one to whoever caught it, e.g. a process of another user listening on the old port after
 * a crash, to which a client reading the stale api.json would send it.
 */
export async function createApiSecret(dir: string): Promise<string> {
  const secret = randomBytes(32).toString('hex');
  await writeFileAtomic(join(dir, dataFiles.apiSecret), secret);
  return secret;
}
