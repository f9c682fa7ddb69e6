// Test support (used only by *.test.ts): processes that are no DAOmesh node.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** A live process that is no DAOmesh node: what the pid of a crashed node's files (node.lock, api.json) may belong to later. */
export async function withUnrelatedProcess(use: (pid: number) => Promise<void>): Promise<void> {
  const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  try {
    await use(sleeper.pid!);
  } finally {
    sleeper.kill('SIGKILL');
    await once(sleeper, 'exit');
  }
}
