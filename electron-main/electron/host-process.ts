// Runs the host (the bundled `daomesh node`) in an Electron utility process, so signature checks and
// storage never block the window. What follows the fork (the ready line, stopping) is host-child.ts's.
import { utilityProcess } from 'electron';
import { startHostChild, type HostProcess } from './host-child.ts';

export type { HostProcess, HostSummary } from './host-child.ts';

export type HostProcessOptions = {
  /** dist/electron/host.mjs */
  script: string;
  dataDir: string;
  readyTimeoutMs?: number;
};

export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const child = utilityProcess.fork(options.script, ['node', '--data', options.dataDir, '--json'], {
    stdio: 'pipe',
    serviceName: 'DAOmesh host',
  });
  return await startHostChild(
    {
      stdout: child.stdout,
      stderr: child.stderr,
      get pid() {
        return child.pid;
      },
      kill: () => child.kill(),
      // A utility process gives its exit code only (a signal shows as a nonzero code).
      onExit: (listener) => child.once('exit', (code) => listener(code)),
    },
    options.readyTimeoutMs,
  );
}
