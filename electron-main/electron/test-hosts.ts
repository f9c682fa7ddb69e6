// For tests: real hosts (`daomesh node --json`) as plain Node child processes, in place of the app's Electron
// utility process, in data directories that are removed when the test file ends.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startHostChild, type HostProcess } from './host-child.ts';

const cliEntry = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.ts');

export type TestHosts = {
  /** A fresh data directory. */
  dataDir(): Promise<string>;
  /** `daomesh node --json` on `dir`, as the app starts it; `pid` is the process's, for a test to kill. */
  startHost(dir: string): { host: Promise<HostProcess>; pid: number };
  /** Runs when the test file ends, before the directories are removed. */
  onCleanup(cleanup: () => Promise<void>): void;
};

/** Call at the top level of a test file: what it starts and makes is stopped and removed after its tests. */
export function useTestHosts(): TestHosts {
  const dirs: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  return {
    async dataDir() {
      const dir = await mkdtemp(join(tmpdir(), 'daomesh-host-'));
      dirs.push(dir);
      return dir;
    },
    startHost(dir) {
      const child = spawn(process.execPath, [cliEntry, 'node', '--data', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const host = startHostChild({
        stdout: child.stdout,
        stderr: child.stderr,
        pid: child.pid,
        kill: () => child.kill('SIGTERM'),
        onExit: (listener) => child.once('exit', (code) => listener(code)),
      });
      return { host, pid: child.pid! };
    },
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
