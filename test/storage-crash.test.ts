// Issue 3: a host killed with SIGKILL in the middle of writes restarts with no accepted record lost and no
// corruption. A real child process appends to a real file and is killed at random moments, again and again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EnvelopeLog } from '../electron-main/host/envelope-log.ts';
import { envelopeFor } from './fixtures/log-writer.ts';

const writerProgram = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'log-writer.ts');
const cycles = 30;

type Run = { lastAck: number; opened: string | null; signal: NodeJS.Signals | null; stderr: string };

/** Starts the writer and kills it with SIGKILL: mostly at a random moment after its first ack, sometimes while it is still starting or recovering. */
function runAndKill(path: string): Promise<Run> {
  const child = spawn(process.execPath, [writerProgram, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { lastAck: -1, opened: null, signal: null, stderr: '' };
  const kill = () => child.kill('SIGKILL');
  const early = Math.random() < 0.2;
  if (early) setTimeout(kill, Math.random() * 150);
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word, value, outcome] = line.split(' ');
    if (word === 'open') run.opened = outcome ?? null;
    if (word !== 'ack') return;
    if (run.lastAck === -1 && !early) setTimeout(kill, Math.random() * 120);
    run.lastAck = Math.max(run.lastAck, Number(value));
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close', not 'exit': every line the child wrote before it died has been read by then.
    child.on('close', (_code, signal) => resolve({ ...run, signal }));
  });
}

/**
 * A kill lets the kernel finish or cut a write only at megabyte granularity, so torn frames are rare here.
 * What a power cut can leave is added by hand: the start of an unfinished frame, or zeros where the file
 * system extended the file before the data reached the disk.
 */
async function tearTail(path: string, scratchPath: string): Promise<void> {
  if (Math.random() < 0.5) {
    await appendFile(path, Buffer.alloc(1 + Math.floor(Math.random() * 5000)));
    return;
  }
  await rm(scratchPath, { force: true });
  const scratch = await EnvelopeLog.open(scratchPath);
  const start = scratch.end;
  await scratch.append([envelopeFor(Math.floor(Math.random() * 1e6))]);
  await scratch.close();
  const frame = (await readFile(scratchPath)).subarray(start);
  await appendFile(path, frame.subarray(0, 1 + Math.floor(Math.random() * (frame.length - 1)))); // never the whole frame
}

test('a writer killed with SIGKILL mid-write loses no acknowledged envelope and leaves no corruption', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-crash-'));
  const path = join(dir, 'daos', 'dao-1', 'envelopes.log');
  const seen = { tornByKill: 0, tornByHand: 0, killedBeforeFirstAck: 0, unackedButWhole: 0 };
  let kept = -1; // every envelope up to this index was acknowledged, or found whole at a reopen
  try {
    for (let cycle = 0; cycle < cycles; cycle++) {
      const run = await runAndKill(path);
      assert.equal(run.signal, 'SIGKILL', `run ${cycle} ended on its own: ${run.stderr}`);
      if (run.opened !== null) assert.equal(run.opened, cycle === 0 ? 'created' : 'clean', 'the last reopen left the log clean for the next writer');
      if (run.lastAck === -1) seen.killedBeforeFirstAck++;
      const acked = Math.max(kept, run.lastAck);

      const tornByHand = cycle % 3 === 2;
      if (tornByHand) await tearTail(path, join(dir, 'scratch.log'));
      const log = await EnvelopeLog.open(path);
      assert.notEqual(log.recovery.outcome, 'corrupt', `run ${cycle}: ${JSON.stringify(log.recovery)}`);
      if (tornByHand) {
        assert.equal(log.recovery.outcome, 'torn-tail');
        seen.tornByHand++;
      } else if (log.recovery.outcome === 'torn-tail') {
        seen.tornByKill++;
      }
      let index = 0;
      for await (const frame of log.frames()) {
        // Acknowledged or not, whatever is there must be the envelope written at that place, whole.
        assert.ok(Buffer.from(frame).equals(envelopeFor(index)), `run ${cycle}: envelope ${index} differs from what was written`);
        index++;
      }
      assert.ok(index > acked, `run ${cycle}: envelopes up to ${acked} were acknowledged but only ${index} are in the log`);
      assert.equal(index, log.frameCount);
      seen.unackedButWhole += index - 1 - acked;
      kept = index - 1; // the next run appends after these, so from here on they must stay
      await log.close();
    }
    assert.deepEqual((await readdir(dirname(path))).sort(), ['envelopes.log'], 'no evidence files: nothing was ever judged corrupt');
    t.diagnostic(
      `${cycles} kills, ${kept + 1} envelopes kept; torn tails cut: ${seen.tornByKill} left by a kill, ${seen.tornByHand} added by hand; ` +
        `${seen.killedBeforeFirstAck} kills before a first ack; ${seen.unackedButWhole} envelopes written but not yet acknowledged, found whole`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
