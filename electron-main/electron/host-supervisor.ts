// When the host process dies while the app runs (a crash, the system killing it), the app starts it again on
// the same data directory instead of quitting: the envelope log survives a kill (envelope-log.ts), so a restart
// loses nothing the host had accepted. A host that keeps dying is given up on, with its last reason, rather
// than restarted forever; and an exit that a restart cannot mend (another node took the data directory) is
// given up on at once. No 'electron' import: tested under plain Node with a real host (host-supervisor.test.ts).
import { DaomeshError, type ErrorCode } from '../../core/errors.ts';
import type { HostProcess } from './host-child.ts';

export type RestartPolicy = {
  /** Restarts allowed within `windowMs`; the next exit in that time is given up on. */
  maxRestarts: number;
  windowMs: number;
  /** The pause before the first, second, ... restart within the window (the last one repeats). */
  delaysMs: readonly number[];
};

/** Three restarts in ten minutes, after 1, 5 and 15 s: enough for a rare crash, not a loop that hides a broken host. */
export const defaultRestartPolicy: RestartPolicy = { maxRestarts: 3, windowMs: 10 * 60_000, delaysMs: [1_000, 5_000, 15_000] };

/** Start failures that would only repeat. */
const notMendedByRestart: readonly ErrorCode[] = ['DATA_DIR_IN_USE'];

export type HostSupervisorOptions = {
  start: () => Promise<HostProcess>;
  /** A host that died is running again: the number of restarts so far. */
  onRestarted: (host: HostProcess, restarts: number) => void;
  /** The host died: why, and when it is started again. */
  onDown?: (reason: string, restartInMs: number) => void;
  /** The host died and is not started again: why. */
  onGaveUp: (reason: string) => void;
  policy?: RestartPolicy;
};

export type HostSupervisor = {
  /** The running host, or null while it is down. */
  current(): HostProcess | null;
  /** Stops the host and restarts no more. */
  stop(graceMs?: number): Promise<void>;
};

/** Starts the host and keeps it running; rejects if the first start fails (nothing to restart yet). */
export async function superviseHost(options: HostSupervisorOptions): Promise<HostSupervisor> {
  const policy = options.policy ?? defaultRestartPolicy;
  const exits: number[] = [];
  let restarts = 0;
  let host: HostProcess | null = null;
  let stopped = false;
  let pending: NodeJS.Timeout | null = null;
  let starting: Promise<void> = Promise.resolve();

  const watch = (started: HostProcess): void => {
    host = started;
    started.onUnexpectedExit((reason) => {
      host = null;
      down(reason);
    });
  };

  const down = (reason: string): void => {
    if (stopped) return;
    const now = performance.now();
    while (exits.length > 0 && now - exits[0]! > policy.windowMs) exits.shift();
    if (exits.length >= policy.maxRestarts) {
      options.onGaveUp(`${reason}\nIt stopped ${exits.length + 1} times within ${Math.round(policy.windowMs / 60_000)} minutes, so DAOmesh does not start it again.`);
      return;
    }
    exits.push(now);
    const delay = policy.delaysMs[Math.min(exits.length, policy.delaysMs.length) - 1] ?? 0;
    options.onDown?.(reason, delay);
    pending = setTimeout(() => {
      pending = null;
      starting = restart();
    }, delay);
  };

  const restart = async (): Promise<void> => {
    let started: HostProcess;
    try {
      started = await options.start();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof DaomeshError && notMendedByRestart.includes(error.code)) options.onGaveUp(reason);
      else down(reason);
      return;
    }
    if (stopped) {
      await started.stop();
      return;
    }
    watch(started);
    options.onRestarted(started, ++restarts);
  };

  watch(await options.start());
  return {
    current: () => host,
    async stop(graceMs) {
      stopped = true;
      if (pending !== null) clearTimeout(pending);
      await starting;
      await host?.stop(graceMs);
      host = null;
    },
  };
}
