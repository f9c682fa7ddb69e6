// The host (`daomesh node --json`) as a child process, whatever runs it: an Electron utility process in the app
// (host-process.ts), a plain Node child process in the tests. The host prints one JSON line when it is ready;
// everything else it writes is passed through to this process's own stdout and stderr.
// No 'electron' import, so that this and host-supervisor.ts are tested under plain Node with a real host.
import { z } from 'zod';
import { DaomeshError, isErrorCode } from '../../core/errors.ts';

/** The first stdout line of `daomesh node --json`. */
const HostSummary = z.object({
  peerId: z.string(),
  address: z.string().nullable(),
  listen: z.array(z.string()),
  api: z.string().startsWith('ws://'),
  ui: z.string().nullable().optional(),
});
export type HostSummary = z.infer<typeof HostSummary>;

/** What startHostChild needs of a started process: Electron's UtilityProcess and Node's ChildProcess both give it. */
export type HostChild = {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  readonly pid: number | undefined;
  /** SIGTERM on POSIX. */
  kill(): void;
  /** Called once, when the process has exited: its exit code, or null when a signal ended it. */
  onExit(listener: (code: number | null) => void): void;
};

export type HostProcess = {
  readonly summary: HostSummary;
  /** Called once if the host exits while it was meant to be running. */
  onUnexpectedExit(listener: (reason: string) => void): void;
  /** Asks the host to stop (SIGTERM: it releases its data directory), then kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
};

const stderrTailLines = 20;

/** Waits for the started host's summary line; rejects with the host's own error if it exits first, or after `readyTimeoutMs`. */
export async function startHostChild(child: HostChild, readyTimeoutMs = 60_000): Promise<HostProcess> {
  const stderrTail: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    stderrTail.splice(0, Math.max(0, stderrTail.length - stderrTailLines));
  });

  let exited = false;
  let stopping = false;
  let unexpectedExit: ((reason: string) => void) | undefined;
  const exitedPromise = new Promise<number | null>((resolve) => {
    child.onExit((code) => {
      exited = true;
      resolve(code);
      if (!stopping) unexpectedExit?.(describeExit(code, stderrTail));
    });
  });

  let summary: HostSummary;
  try {
    summary = await readSummary(child, exitedPromise, stderrTail, readyTimeoutMs);
  } catch (error) {
    stopping = true;
    child.kill();
    throw error;
  }

  return {
    summary,
    onUnexpectedExit(listener) {
      unexpectedExit = listener;
    },
    async stop(graceMs = 5_000) {
      stopping = true;
      if (exited) return;
      child.kill(); // the host stops its node and releases the data directory
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
      if ((await Promise.race([exitedPromise, timer])) === 'timeout' && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exitedPromise;
      }
    },
  };
}

/** Waits for the host's first stdout line; then passes the rest of its stdout through. */
function readSummary(child: HostChild, exited: Promise<number | null>, stderrTail: string[], timeoutMs: number): Promise<HostSummary> {
  const stdout = child.stdout;
  if (!stdout) return Promise.reject(new DaomeshError('INTERNAL', 'The DAOmesh host started without a stdout pipe.'));

  return new Promise<HostSummary>((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => reject(new DaomeshError('INTERNAL', `The DAOmesh host did not start within ${timeoutMs / 1000} s.`))),
      timeoutMs,
    );

    stdout.on('data', (chunk: Buffer) => {
      if (settled) {
        process.stdout.write(chunk);
        return;
      }
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      const line = buffered.slice(0, newline);
      const rest = buffered.slice(newline + 1);
      settle(() => {
        if (rest) process.stdout.write(rest);
        const parsed = parseSummary(line);
        if (parsed) resolve(parsed);
        else reject(new DaomeshError('INTERNAL', `The DAOmesh host printed something unexpected at start: ${line.slice(0, 200)}`));
      });
    });

    void exited.then((code) => settle(() => reject(hostError(code, stderrTail))));
  });
}

function parseSummary(line: string): HostSummary | null {
  try {
    const parsed = HostSummary.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The host's own error when it printed one (`daomesh --json` writes {"error": {code, message, hint}} on stderr). */
function hostError(code: number | null, stderrTail: string[]): DaomeshError {
  for (const line of [...stderrTail].reverse()) {
    try {
      const { error } = JSON.parse(line) as { error?: { code?: unknown; message?: unknown; hint?: unknown } };
      if (error && isErrorCode(error.code) && typeof error.message === 'string') {
        return new DaomeshError(error.code, error.message, typeof error.hint === 'string' ? error.hint : undefined);
      }
    } catch {
      // not a JSON line
    }
  }
  return new DaomeshError('NODE_NOT_RUNNING', describeExit(code, stderrTail));
}

function describeExit(code: number | null, stderrTail: string[]): string {
  const last = stderrTail.at(-1);
  return `The DAOmesh host exited (${code === null ? 'killed by a signal' : `code ${code}`})${last ? `: ${last}` : '.'}`;
}
