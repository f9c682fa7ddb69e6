// Envelope log and snapshot throughput on this machine's disk (figures only, no targets asserted).
// Run: node bench/storage.ts   (or import benchStorage from bench/run.ts)
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeIndex } from '../electron-main/host/envelope-index.ts';
import { EnvelopeLog } from '../electron-main/host/envelope-log.ts';
import { SnapshotStore } from '../electron-main/host/snapshot-store.ts';
import { memoryHeld } from './memory-held.ts';

const envelopeBytes = 300;

function envelopes(count: number): Uint8Array[] {
  const pool = randomBytes(envelopeBytes * 64);
  return Array.from({ length: count }, (_, i) => pool.subarray((i % 64) * envelopeBytes, (i % 64 + 1) * envelopeBytes));
}

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

export async function benchStorage(print: (line: string) => void = console.log): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-bench-storage-'));
  try {
    print(`envelope log, ${envelopeBytes}-byte envelopes, ${dir}`);
    for (const batch of [1, 16, 256]) {
      const log = await EnvelopeLog.open(join(dir, `append-${batch}.log`));
      const frames = envelopes(batch);
      let appended = 0;
      const started = performance.now();
      while (performance.now() - started < 1000) {
        await log.append(frames);
        appended += batch;
      }
      print(`  append, batch of ${String(batch).padStart(3)}, one fsync each: ${perSecond(appended, performance.now() - started)} envelopes`);
      await log.close();
    }

    {
      // 64 callers appending one envelope each at once, as envelopes from many peers arrive: group commit.
      const log = await EnvelopeLog.open(join(dir, 'concurrent.log'));
      const [frame] = envelopes(1);
      let appended = 0;
      const started = performance.now();
      while (performance.now() - started < 1000) {
        await Promise.all(Array.from({ length: 64 }, () => log.append([frame!])));
        appended += 64;
      }
      print(`  append, 64 concurrent callers of 1 (group commit): ${perSecond(appended, performance.now() - started)} envelopes`);
      await log.close();
    }

    const path = join(dir, 'read.log');
    const count = 100_000;
    const writer = await EnvelopeLog.open(path);
    const frames = envelopes(1000);
    for (let i = 0; i < count; i += frames.length) await writer.append(frames);
    const checkpoint = writer.checkpoint();
    await writer.close();
    print(`  ${count.toLocaleString('en-US')} envelopes, ${(checkpoint.logOffset / 2 ** 20).toFixed(1)} MiB:`);

    let started = performance.now();
    const log = await EnvelopeLog.open(path);
    print(`    open, checking every frame: ${(performance.now() - started).toFixed(0)} ms`);
    started = performance.now();
    let read = 0;
    for await (const payload of log.frames()) read += payload.length > 0 ? 1 : 0;
    const ms = performance.now() - started;
    print(`    read all in order: ${ms.toFixed(0)} ms, ${perSecond(read, ms)} envelopes, ${((checkpoint.logOffset / 2 ** 20 / ms) * 1000).toFixed(0)} MiB/s`);
    await log.close();
    started = performance.now();
    const resumed = await EnvelopeLog.open(path, { resumeFrom: checkpoint });
    print(`    open from a snapshot's checkpoint at the end: ${(performance.now() - started).toFixed(1)} ms`);
    await resumed.close();

    await benchEnvelopeIndex(join(dir, 'index.log'), print);

    const snapshots = await SnapshotStore.open(join(dir, 'snapshots'));
    const payload = randomBytes(16 * 2 ** 20); // about a fold plus 100k record ids
    started = performance.now();
    await snapshots.save({ ...checkpoint, payload });
    print(`snapshot of 16 MiB: save ${(performance.now() - started).toFixed(0)} ms`);
    started = performance.now();
    await snapshots.loadNewest();
    print(`snapshot of 16 MiB: load and check ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The envelope index catch-up sync serves from (electron-main/host/envelope-index.ts): each envelope's id and
 * where its frame starts in the log, the bytes read back when a peer asks. Side by side, what keeping every
 * envelope's bytes in it as well, as it once did, holds. Envelopes of 750 bytes, all different: a one-record
 * envelope as hosts write them.
 */
async function benchEnvelopeIndex(path: string, print: (line: string) => void): Promise<void> {
  const count = 100_000;
  const bytesEach = 750;
  const writer = await EnvelopeLog.open(path);
  for (let i = 0; i < count; i += 1000) await writer.append(Array.from({ length: 1000 }, () => randomBytes(bytesEach)));
  await writer.close();
  const log = await EnvelopeLog.open(path);
  try {
    const before = memoryHeld();
    let started = performance.now();
    const index = new EnvelopeIndex(log.logId);
    for await (const { offset, bytes } of log.entries()) index.add(bytes, offset, log.logId);
    const buildMs = performance.now() - started;
    const indexBytes = memoryHeld() - before;
    const withBytes = new Map<string, Uint8Array>();
    for await (const { bytes } of log.entries()) withBytes.set(EnvelopeIndex.idOf(bytes), bytes);
    const withBytesBytes = memoryHeld() - before - indexBytes;
    if (withBytes.size !== index.size) throw new Error('the two indexes disagree');
    withBytes.clear();
    const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    print(`  envelope index of ${count.toLocaleString('en-US')} envelopes of ${bytesEach} bytes (${mib(log.end)} of log): built from the log in ${buildMs.toFixed(0)} ms;`);
    print(`    holds ${mib(indexBytes)} (ids and offsets), against ${mib(withBytesBytes)} for ids and bytes (as it did before)`);
    const serve = async (ids: readonly Uint8Array[]): Promise<string> => {
      started = performance.now();
      const found = index.find(ids);
      let served = 0;
      for await (const bytes of log.framesAt(found.map((entry) => entry.offset))) {
        if (EnvelopeIndex.idOf(bytes) !== found[served++]!.id) throw new Error('an offset led to another envelope than the one indexed');
      }
      const ms = performance.now() - started;
      return `${served.toLocaleString('en-US')} in ${ms.toFixed(ms < 10 ? 1 : 0)} ms (${perSecond(served, ms)})`;
    };
    const ids = index.ids();
    print(`    served from the log (found, read, each id checked), a new peer's whole catch-up: ${await serve(ids)}; a peer 1,000 behind: ${await serve(ids.slice(-1000))}`);
  } finally {
    await log.close();
  }
}

if (import.meta.main) await benchStorage();
