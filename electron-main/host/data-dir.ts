// The node's data directory: keys, the local API secret and, later, the DAO stores. One running node per
// directory, held by a lock file with the owner's pid.
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

/** Takes the directory for this process; a second node on the same directory gets DATA_DIR_IN_USE. */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, dataFiles.lock);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DaomeshError(
          'DATA_DIR_IN_USE',
          `Another DAOmesh node (pid ${owner}) is already using ${dir}.`,
          'Stop it first, or pass a different --data directory.',
        );
      }
      await rm(path, { force: true }); // left by a node that crashed
    }
  }
  throw new DaomeshError('DATA_DIR_IN_USE', `Could not lock ${dir}.`);
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
