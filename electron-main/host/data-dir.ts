// The node's data directory: keys, the local API secret and, later, the DAO stores. One running node per
// directory, held by a lock file naming the owner process.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DaomeshError } from '../../core/errors.ts';

/**
 * A path the user gave (an option, DAOMESH_DATA), from the folder they gave it in: under `npm run daomesh` the
 * process runs in the project's folder, and npm names the user's in INIT_CWD.
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

export function defaultDataDir(): string {
  if (process.env.DAOMESH_DATA) return userPath(process.env.DAOMESH_DATA);
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
 * process after a crash or a reboot does not pass for the owner. Older lock files hold the pid alone. The file
 * also holds a random nonce, so that no two locks ever have the same bytes (see takeOverStale).
 */
type LockOwner = { pid: number; started: string | null };

/** The start time of a running process, in clock ticks since boot (field 22 of /proc/<pid>/stat); null elsewhere. */
export async function processStartTime(pid: number): Promise<string | null> {
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

/**
 * Whether the process that wrote node.lock (or a claim) still runs; a pid now used by another process does not
 * count. This process's own pid counts only with this process's start time: another lock taken in this process
 * (two hosts on one directory); without a start time it is taken for a pid reused from an earlier run.
 */
async function lockOwnerRuns(owner: LockOwner, self: LockOwner): Promise<boolean> {
  if (owner.pid === self.pid) return owner.started !== null && owner.started === self.started;
  if (!isAlive(owner.pid)) return false;
  if (owner.started === null) return true;
  const started = await processStartTime(owner.pid);
  return started === null || started === owner.started;
}

function inUse(dir: string, owner: LockOwner): DaomeshError {
  return new DaomeshError('DATA_DIR_IN_USE', `Another DAOmesh node (pid ${owner.pid}) is already using ${dir}.`, 'Stop it first, or pass a different --data directory.');
}

/**
 * Takes the directory for this process; a second node on the same directory gets DATA_DIR_IN_USE. Of any number
 * of nodes starting at once, exactly one gets the lock: node.lock is created whole or not at all (a hard link of
 * a written file), and a stale one is replaced only by the one contender that claimed it (takeOverStale).
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  try {
    await mkdirDurable(dir);
  } catch (error) {
    throw unusableDataDir(dir, error);
  }
  const path = join(dir, dataFiles.lock);
  const self: LockOwner = { pid: process.pid, started: await processStartTime(process.pid) };
  const text = JSON.stringify({ ...self, nonce: randomBytes(8).toString('hex') });
  const lock: DataDirLock = {
    // Only while it is still this lock: a release must never take away another node's.
    release: async () => {
      if ((await readText(path)) === text) await rm(path, { force: true });
    },
  };
  // Each lost round means another node took or freed the lock meanwhile; the bound only guards against a loop.
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await createWhole(path, text)) || (await takeOverStale(path, text, self, dir))) {
        await removeLeftovers(dir, self);
        return lock;
      }
    } catch (error) {
      throw error instanceof DaomeshError ? error : unusableDataDir(dir, error);
    }
  }
  throw new DaomeshError('DATA_DIR_IN_USE', `Could not lock ${dir}: other nodes kept taking and releasing it.`, 'Start one node at a time on it.');
}

/**
 * Replaces a node.lock whose owner is gone with `text`, if this contender is the one that claims it: each lock's
 * bytes have one claim file (named after their digest) that only one contender can create, and only its creator
 * renames its own lock over node.lock. A claimer that died before its rename leaves a claim whose owner is gone:
 * that claim is claimed in turn, the same way, so the chain from node.lock through its claims ends at the one
 * contender entitled to it. Returns false when node.lock changed meanwhile (the caller tries again); throws
 * DATA_DIR_IN_USE when the owner, or a contender taking over, runs.
 */
async function takeOverStale(path: string, text: string, self: LockOwner, dir: string): Promise<boolean> {
  const chain: string[] = [];
  for (let current = await readText(path); ; ) {
    if (current === null) return false; // released, or a claim cleaned up by whoever took the lock
    if (chain.includes(current)) {
      // Only files written by hand can name each other in a ring; no contender could ever get past it.
      throw new DaomeshError('DATA_DIR_IN_USE', `The lock files in ${dir} name each other in a ring.`, `Make sure no node runs on it, then delete ${dataFiles.lock} and ${dataFiles.lock}.*.claim there.`);
    }
    const owner = parseLockOwner(current);
    if (owner !== null && (await lockOwnerRuns(owner, self))) throw inUse(dir, owner);
    chain.push(current);
    const claim = claimPath(path, current);
    if (await createWhole(claim, text)) break;
    current = await readText(claim);
  }
  // Re-read: a contender that took the lock and cleaned up its claims before this one claimed left node.lock on
  // other bytes, which never come back (each lock has its own nonce), so this claim is then worthless.
  const mine = claimPath(path, chain.at(-1)!);
  if (!(await chainLeadsTo(path, chain, text))) {
    await rm(mine, { force: true });
    return false;
  }
  const temporary = temporaryPath(path);
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  for (const claimed of chain) await rm(claimPath(path, claimed), { force: true });
  return true;
}

/** Whether node.lock still holds chain[0], each claim of chain[i] still holds chain[i + 1], and the last claim `text`. */
async function chainLeadsTo(path: string, chain: readonly string[], text: string): Promise<boolean> {
  if ((await readText(path)) !== chain[0]) return false;
  for (let i = 0; i < chain.length; i++) {
    if ((await readText(claimPath(path, chain[i]!))) !== (chain[i + 1] ?? text)) return false;
  }
  return true;
}

/** After "node.lock.": a contender's temporary file (of node.lock or of a claim), the pid in its name its writer's. */
const temporaryName = /^(?:[0-9a-f]{32}\.claim\.)?([1-9]\d{0,9})\.[0-9a-f]{8}\.tmp$/;
/** After "node.lock.": a claim (see claimPath), which holds its writer's lock text. */
const claimName = /^[0-9a-f]{32}\.claim$/;
/** More than any lock text: a bigger file is not one a contender wrote whole, and is not read further. */
const maxLockTextBytes = 1024;

/**
 * Removes what contenders killed mid-way left in `dir`: temporary files (killed between writing and removing
 * them) and claims (killed before cleaning up after a takeover), each only when its writer is gone for sure, so
 * that no file a running contender is using goes. Only a lock's holder calls this: with node.lock held by a
 * running owner no takeover can need a claim any more (a takeover starts from a lock whose owner is gone, and
 * the bytes of an earlier node.lock never come back). Housekeeping: a leftover it cannot remove or read now
 * is left for the next start.
 */
async function removeLeftovers(dir: string, self: LockOwner): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const prefix = `${dataFiles.lock}.`;
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.startsWith(prefix)) continue;
    const temporary = temporaryName.exec(entry.name.slice(prefix.length));
    if (temporary === null && !claimName.test(entry.name.slice(prefix.length))) continue;
    const file = join(dir, entry.name);
    try {
      const written = parseLockOwner(await readHead(file, maxLockTextBytes));
      // A temporary file may be cut short (killed while writing it): its name still says whose it is.
      const named = temporary === null ? null : Number(temporary[1]);
      const writer = named === null || written?.pid === named ? written : { pid: named, started: null };
      if (writer !== null && (await writerGone(writer, self))) await rm(file, { force: true });
    } catch {
      // Left for the next start (see above).
    }
  }
}

/**
 * Whether the process that wrote a lock file is gone for sure (lockOwnerRuns). A file of this process's pid with
 * no start time to compare is kept: it may be another lock's of this process (two hosts), being written now.
 */
async function writerGone(writer: LockOwner, self: LockOwner): Promise<boolean> {
  if (writer.pid === self.pid && (writer.started === null || self.started === null)) return false;
  return !(await lockOwnerRuns(writer, self));
}

/** The first `limit` bytes of a file, as text. */
async function readHead(path: string, limit: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(limit + 1);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    return bytesRead > limit ? '' : bytes.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

function claimPath(path: string, lockText: string): string {
  return `${path}.${createHash('sha256').update(lockText).digest('hex').slice(0, 32)}.claim`;
}

function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Creates `path` holding `text` unless it exists (false then). Written to a temporary file first and hard-linked
 * into place, so nobody reads it empty or half-written (an empty lock would pass for a stale one). File systems
 * without hard links get an exclusive create and write, which leaves that short window open.
 */
async function createWhole(path: string, text: string): Promise<boolean> {
  const temporary = temporaryPath(path);
  await writeFile(temporary, text, { mode: 0o600 });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
  } finally {
    await rm(temporary, { force: true });
  }
  try {
    await writeFile(path, text, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
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
  for (const parent of parents) await syncDirectory(parent);
}

/** Makes a rename or a new entry in `dir` durable; Windows cannot open a directory and persists renames itself. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
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
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    // A full disk, say: no half-written copy of what may be secret (keys) is left beside the file.
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  await chmod(path, mode);
  // The rename is durable only once the directory entry is.
  await syncDirectory(dirname(path));
}

/** A temporary file of writeFileAtomic: `<file>.<pid>.<8 hex>.tmp`. */
const atomicTemporaryName = /^(.+)\.[1-9]\d{0,9}\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files writeFileAtomic left in the data directory and its DAOs' directories when a node
 * was killed mid-write (they may hold keys: group-keys.json's, the identity's). Only the holder of the data
 * directory's lock calls this, before it writes anything: none of them is anyone's write in progress. node.lock's
 * own temporaries are lockDataDir's business.
 */
export async function removeStaleTemporaries(dir: string): Promise<number> {
  let removed = 0;
  const daos = join(dir, 'daos');
  const dirs = [dir, ...(await readdir(daos, { withFileTypes: true }).catch(() => [])).filter((entry) => entry.isDirectory()).map((entry) => join(daos, entry.name))];
  for (const folder of dirs) {
    for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      const match = atomicTemporaryName.exec(entry.name);
      if (!entry.isFile() || match === null || match[1] === dataFiles.lock || match[1]!.startsWith(`${dataFiles.lock}.`)) continue;
      await rm(join(folder, entry.name), { force: true }).then(() => removed++, () => {});
    }
  }
  return removed;
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
