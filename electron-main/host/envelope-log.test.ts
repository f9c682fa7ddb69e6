import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EnvelopeLog, maxFrameBytes, maxWriteBytes } from './envelope-log.ts';

const headerBytes = 32;

async function withLog(use: (path: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-log-'));
  try {
    await use(join(dir, 'daos', 'dao-1', 'envelopes.log'), dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function envelope(index: number, length = 20 + ((index * 37) % 200)): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (index * 31 + i * 7) & 0xff;
  return bytes;
}

async function readAll(log: EnvelopeLog, from?: number): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for await (const frame of log.frames(from === undefined ? {} : { from })) frames.push(frame);
  return frames;
}

/** A log with `count` frames, closed; returns the byte offset where each frame starts. */
async function writeFrames(path: string, count: number): Promise<number[]> {
  const log = await EnvelopeLog.open(path);
  const starts: number[] = [];
  for (let index = 0; index < count; index++) {
    starts.push(log.end);
    await log.append([envelope(index)]);
  }
  await log.close();
  return starts;
}

test('appended frames come back in order, byte for byte, after a reopen', () =>
  withLog(async (path) => {
    const log = await EnvelopeLog.open(path);
    assert.equal(log.recovery.outcome, 'created');
    assert.deepEqual([log.frameCount, log.end], [0, headerBytes]);
    const first = await log.append([envelope(0), envelope(1)]);
    const second = await log.append([envelope(2)]);
    const afterFirst = headerBytes + 8 + envelope(0).length;
    assert.deepEqual(first, { first: 0, count: 2, end: afterFirst + 8 + envelope(1).length, logId: log.logId, offsets: [headerBytes, afterFirst] });
    assert.equal(second.first, 2);
    assert.deepEqual(second.offsets, [first.end]);
    assert.equal(log.end, (await stat(path)).size);
    await log.close();

    const reopened = await EnvelopeLog.open(path);
    assert.deepEqual(reopened.recovery, { outcome: 'clean', resumed: false, droppedBytes: 0 });
    assert.equal(reopened.logId, log.logId);
    assert.equal(reopened.frameCount, 3);
    assert.deepEqual(await readAll(reopened), [envelope(0), envelope(1), envelope(2)]);
    await reopened.close();
  }));

test('a torn tail is cut off silently, the frames before it kept, and appending goes on cleanly', async (t) => {
  const tails: [string, Uint8Array, (frame: Buffer) => Buffer][] = [
    ['most of a frame', envelope(5), (frame) => frame.subarray(0, frame.length - 10)],
    ['part of a frame header', envelope(5), (frame) => frame.subarray(0, 3)],
    ['zeros the file system left', envelope(5), () => Buffer.alloc(700)],
    // Random bytes hold many headers that look possible; the search for intact frames must stay quick.
    ['most of a random 4 MiB frame', randomBytes(maxFrameBytes), (frame) => frame.subarray(0, frame.length - 1000)],
  ];
  for (const [name, lost, tear] of tails) {
    await t.test(name, () =>
      withLog(async (path, dir) => {
        await writeFrames(path, 5);
        const sizeBefore = (await stat(path)).size;
        // The frame that the crash interrupted, as it would have been encoded.
        const scratch = await EnvelopeLog.open(join(dir, 'scratch.log'));
        const start = scratch.end;
        await scratch.append([lost]);
        await scratch.close();
        const whole = (await readFile(join(dir, 'scratch.log'))).subarray(start);
        await appendFile(path, tear(whole));

        const log = await EnvelopeLog.open(path);
        assert.equal(log.recovery.outcome, 'torn-tail');
        assert.equal(log.recovery.droppedBytes, tear(whole).length);
        assert.equal(log.frameCount, 5);
        assert.equal((await stat(path)).size, sizeBefore);
        await log.append([envelope(5)]);
        await log.close();

        const reopened = await EnvelopeLog.open(path);
        assert.equal(reopened.recovery.outcome, 'clean');
        assert.deepEqual(await readAll(reopened), [0, 1, 2, 3, 4, 5].map((index) => envelope(index)));
        await reopened.close();
      }),
    );
  }
});

test('a flipped bit in the middle of the log: evidence kept byte for byte, every intact frame kept, a new log id', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 10);
    const original = await EnvelopeLog.open(path);
    const oldId = original.logId;
    await original.close();
    const damaged = await readFile(path);
    damaged[starts[3]! + 8 + 5]! ^= 0x40;
    await writeFile(path, damaged);

    const log = await EnvelopeLog.open(path);
    const { recovery } = log;
    const survivors = [0, 1, 2, 4, 5, 6, 7, 8, 9];
    assert.equal(recovery.outcome, 'corrupt');
    assert.equal(recovery.damagedAt, starts[3]);
    assert.equal(recovery.droppedBytes, starts[4]! - starts[3]!); // exactly the damaged frame
    assert.equal(recovery.keptAfterDamage, 6);
    assert.match(recovery.evidencePath ?? '', /envelopes\.log\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    assert.deepEqual(await readFile(recovery.evidencePath!), damaged);
    assert.equal(log.frameCount, survivors.length);
    assert.notEqual(log.logId, oldId);
    assert.deepEqual(await readAll(log), survivors.map((index) => envelope(index)));
    await log.append([envelope(99)]);
    await log.close();

    const reopened = await EnvelopeLog.open(path);
    assert.equal(reopened.recovery.outcome, 'clean');
    assert.deepEqual(await readAll(reopened), [...survivors, 99].map((index) => envelope(index)));
    await reopened.close();
  }));

test('a damaged length field: the frames after it are found again by their checksums', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 8);
    const damaged = await readFile(path);
    damaged.writeUInt32LE(0x00_01_00_00, starts[1]! + 4); // a length that leads nowhere
    damaged[starts[5]!]! ^= 0x01; // and a checksum: that frame alone goes
    await writeFile(path, damaged);

    const log = await EnvelopeLog.open(path);
    assert.equal(log.recovery.outcome, 'corrupt');
    assert.equal(log.recovery.damagedAt, starts[1]);
    assert.equal(log.recovery.droppedBytes, starts[2]! - starts[1]! + (starts[6]! - starts[5]!));
    assert.deepEqual(await readAll(log), [0, 2, 3, 4, 6, 7].map((index) => envelope(index)));
    await log.close();
  }));

test('repair finds damage a resumed open never read, keeps every intact frame, and appends go on', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 6);
    const first = await EnvelopeLog.open(path);
    const checkpoint = first.checkpoint();
    await first.close();
    const damaged = await readFile(path);
    damaged[starts[0]! + 12]! ^= 0x04;
    await writeFile(path, damaged);

    const log = await EnvelopeLog.open(path, { resumeFrom: checkpoint });
    assert.equal(log.recovery.outcome, 'clean'); // nothing before the checkpoint was read
    await assert.rejects(readAll(log), { code: 'LOG_CORRUPT' });
    const underWay = log.append([envelope(50)]); // the repair waits for it, and keeps its frame
    const recovery = await log.repair();
    await underWay;
    const afterRepair = log.append([envelope(51)]);
    assert.equal(recovery.outcome, 'corrupt');
    assert.equal(recovery.damagedAt, starts[0]);
    assert.equal(recovery.keptAfterDamage, 6);
    assert.notEqual(log.logId, checkpoint.logId);
    await afterRepair;
    assert.deepEqual(await readAll(log), [1, 2, 3, 4, 5, 50, 51].map((index) => envelope(index)));
    assert.equal((await log.repair()).outcome, 'clean');
    await log.close();

    const reopened = await EnvelopeLog.open(path);
    assert.equal(reopened.recovery.outcome, 'clean');
    assert.equal(reopened.frameCount, 7);
    await reopened.close();
  }));

test('after a repair, a checkpoint of the old log before the damage is still resumable, and reads on the same frames; one past it is not', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 6);
    const log = await EnvelopeLog.open(path);
    const at = (frame: number) => ({ logId: log.logId, logOffset: starts[frame]!, frameCount: frame });
    const [beforeDamage, atDamage, pastDamage] = [at(2), at(4), at(5)];
    assert.ok(log.resumable(pastDamage));
    const damaged = await readFile(path);
    damaged[starts[4]! + 12]! ^= 0x04; // bit rot in frame 4, after the open read it
    await writeFile(path, damaged);
    assert.equal((await log.repair()).outcome, 'corrupt');
    assert.ok(log.resumable(beforeDamage));
    assert.ok(log.resumable(atDamage), 'a checkpoint where the damage begins covers nothing lost');
    assert.equal(log.resumable(pastDamage), false);
    assert.equal(log.resumable({ ...beforeDamage, logId: '0'.repeat(32) }), false);
    assert.ok(log.resumable(log.checkpoint()));
    assert.deepEqual(await readAll(log, beforeDamage.logOffset), [2, 3, 5].map((index) => envelope(index)));
    await log.close();
  }));

test('a last frame of the right length whose checksum fails is treated as damage, not as a torn write', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 4);
    const damaged = await readFile(path);
    damaged[damaged.length - 1]! ^= 0x01;
    await writeFile(path, damaged);

    const log = await EnvelopeLog.open(path);
    assert.equal(log.recovery.outcome, 'corrupt');
    assert.equal(log.recovery.damagedAt, starts[3]);
    assert.equal(log.frameCount, 3);
    await log.close();
  }));

test('a frame over the size limit, or empty, is refused with nothing written', () =>
  withLog(async (path) => {
    const log = await EnvelopeLog.open(path);
    await log.append([envelope(0)]);
    const end = log.end;
    await assert.rejects(log.append([envelope(1), new Uint8Array(maxFrameBytes + 1)]), {
      code: 'FRAME_TOO_LARGE',
      message: /4194305 bytes is over the 4194304-byte limit/,
    });
    await assert.rejects(log.append([new Uint8Array(0)]), { code: 'EMPTY_FRAME' });
    assert.deepEqual([log.frameCount, log.end, (await stat(path)).size], [1, end, end]);
    await log.append([new Uint8Array(maxFrameBytes).fill(7)]); // exactly the limit is fine
    await log.close();
    const reopened = await EnvelopeLog.open(path);
    assert.equal(reopened.frameCount, 2);
    await reopened.close();
  }));

test('concurrent appends share fsyncs and land in call order', () =>
  withLog(async (path) => {
    const log = await EnvelopeLog.open(path);
    await log.append([envelope(0)]);
    // Counts fsyncs by wrapping FileHandle.prototype.datasync for the length of the test.
    const probe = await open(path, 'r');
    const handlePrototype = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = handlePrototype.datasync;
    let fsyncs = 0;
    handlePrototype.datasync = function (this: unknown) {
      fsyncs++;
      return datasync.call(this);
    };
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append([envelope(1 + 2 * i), envelope(2 + 2 * i)])));
      assert.deepEqual(
        results.map((result) => result.first),
        Array.from({ length: 200 }, (_, i) => 1 + 2 * i),
      );
      assert.ok(fsyncs >= 1 && fsyncs <= 3, `200 concurrent appends took ${fsyncs} fsyncs`);
    } finally {
      handlePrototype.datasync = datasync;
    }
    await log.close();
    const reopened = await EnvelopeLog.open(path);
    assert.deepEqual(
      await readAll(reopened),
      Array.from({ length: 401 }, (_, index) => envelope(index)),
    );
    await reopened.close();
  }));

test('resuming from a checkpoint reads only the frames after it', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 6);
    const first = await EnvelopeLog.open(path);
    const checkpoint = { logId: first.logId, logOffset: starts[4]!, frameCount: 4 };
    await first.close();
    // Damage before the checkpoint: a reader that looked there would report it.
    const bytes = await readFile(path);
    bytes[starts[1]! + 9]! ^= 0xff;
    await writeFile(path, bytes);

    const log = await EnvelopeLog.open(path, { resumeFrom: checkpoint });
    assert.deepEqual(log.recovery, { outcome: 'clean', resumed: true, droppedBytes: 0 });
    assert.equal(log.frameCount, 6);
    assert.deepEqual(await readAll(log, checkpoint.logOffset), [envelope(4), envelope(5)]);
    await log.close();
  }));

test('a checkpoint from another log, or past the end, is not resumed from', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 3);
    const log = await EnvelopeLog.open(path);
    const { logId } = log;
    await log.close();
    for (const resumeFrom of [
      { logId: 'ab'.repeat(16), logOffset: starts[2]!, frameCount: 2 },
      { logId, logOffset: 1_000_000, frameCount: 900 },
    ]) {
      const reopened = await EnvelopeLog.open(path, { resumeFrom });
      assert.equal(reopened.recovery.resumed, false);
      assert.equal(reopened.frameCount, 3);
      await reopened.close();
    }
  }));

test('a file that is not an envelope log is refused, not overwritten', () =>
  withLog(async (path, dir) => {
    await writeFrames(path, 1);
    await writeFile(path, 'hello, this is not a log at all, but it is long enough');
    // The hint says how the DAO comes back: moved aside, the log is not fetched again unasked.
    await assert.rejects(EnvelopeLog.open(path), { code: 'LOG_UNREADABLE', message: /is not an envelope log/, hint: /move the file aside.*join the DAO again with an invite code/ });
    assert.equal(await readFile(path, 'utf8'), 'hello, this is not a log at all, but it is long enough');
    assert.deepEqual((await readdir(join(dir, 'daos', 'dao-1'))).sort(), ['envelopes.log']);
  }));

test('iteration sees the frames durable when it starts; a closed log refuses appends', () =>
  withLog(async (path) => {
    const log = await EnvelopeLog.open(path);
    await log.append([envelope(0), envelope(1)]);
    const iterator = log.frames();
    const appended = log.append([envelope(2)]);
    const seen: Uint8Array[] = [];
    for await (const frame of iterator) seen.push(frame);
    await appended;
    assert.equal(seen.length, 2);
    await log.close();
    await assert.rejects(log.append([envelope(3)]), { code: 'LOG_CLOSED' });
  }));

test('reading from outside the log is refused', () =>
  withLog(async (path) => {
    const log = await EnvelopeLog.open(path);
    await log.append([envelope(0)]);
    assert.throws(() => log.frames({ from: log.end + 1 }), RangeError);
    assert.throws(() => log.frames({ from: 3 }), RangeError);
    assert.deepEqual(await readAll(log, log.end), []);
    await log.close();
    assert.throws(() => log.frames(), { code: 'LOG_CLOSED' });
  }));

test('damage found while reading is reported, not skipped', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 4);
    const log = await EnvelopeLog.open(path);
    const bytes = await readFile(path);
    bytes[starts[2]! + 10]! ^= 0x01; // bit rot after the log was opened
    await writeFile(path, bytes);
    const seen: Uint8Array[] = [];
    await assert.rejects(
      (async () => {
        for await (const frame of log.frames()) seen.push(frame);
      })(),
      { code: 'LOG_CORRUPT', message: new RegExp(`damaged at byte ${starts[2]}`) },
    );
    assert.deepEqual(seen, [envelope(0), envelope(1)]);
    await log.close();
  }));

test('frames are read back by the offsets that appends and entries() give, near or far apart, also past the read buffer', () =>
  withLog(async (path) => {
    const log = await EnvelopeLog.open(path);
    // Small frames, then one bigger than the 1 MiB read buffer, then more: reads that jump past what is buffered.
    const frames = [...Array.from({ length: 300 }, (_, i) => envelope(i)), new Uint8Array(1536 * 1024).fill(5), ...Array.from({ length: 50 }, (_, i) => envelope(300 + i, 40_000))];
    const offsets: number[] = [];
    for (let i = 0; i < frames.length; i += 64) offsets.push(...(await log.append(frames.slice(i, i + 64))).offsets);
    assert.equal(offsets.length, frames.length);
    const entries: { offset: number; bytes: Uint8Array }[] = [];
    for await (const entry of log.entries()) entries.push(entry);
    assert.deepEqual(entries.map((entry) => entry.offset), offsets);
    assert.deepEqual(entries.map((entry) => entry.bytes), frames);
    const read = async (wanted: readonly number[], from = log): Promise<Uint8Array[]> => {
      const out: Uint8Array[] = [];
      for await (const bytes of from.framesAt(wanted.map((i) => offsets[i]!))) out.push(bytes);
      return out;
    };
    for (const wanted of [[], [0], [5, 6, 7, 299, 300, 301, 349], frames.map((_, i) => i), [2, 320, 340]]) {
      assert.deepEqual(await read(wanted), wanted.map((i) => frames[i]!));
    }
    // Each payload is a copy: changing one changes neither the next read nor another payload.
    const [first, second] = await read([0, 1]);
    first!.fill(0);
    assert.deepEqual(await read([0, 1]), [frames[0], second]);
    await log.close();
    const reopened = await EnvelopeLog.open(path);
    assert.deepEqual(await read([300, 349], reopened), [frames[300], frames[349]]);
    await reopened.close();
  }));

test('framesAt refuses offsets that fall, repeat, or lie outside the frames, and reports damage or an offset that starts no frame', () =>
  withLog(async (path) => {
    const starts = await writeFrames(path, 4);
    const log = await EnvelopeLog.open(path);
    for (const bad of [[starts[1]!, starts[0]!], [starts[1]!, starts[1]!], [headerBytes - 1], [log.end], [1.5 + starts[0]!], [Number.NaN]]) {
      assert.throws(() => log.framesAt(bad), RangeError, String(bad));
    }
    const readAt = async (offsets: readonly number[]): Promise<Uint8Array[]> => {
      const out: Uint8Array[] = [];
      for await (const bytes of log.framesAt(offsets)) out.push(bytes);
      return out;
    };
    await assert.rejects(readAt([starts[0]!, starts[1]! + 3]), { code: 'LOG_CORRUPT', message: new RegExp(`damaged at byte ${starts[1]! + 3}`) });
    const bytes = await readFile(path);
    bytes[starts[2]! + 10]! ^= 0x01; // bit rot after the log was opened
    await writeFile(path, bytes);
    assert.deepEqual(await readAt([starts[1]!, starts[3]!]), [envelope(1), envelope(3)]);
    await assert.rejects(readAt([starts[1]!, starts[2]!]), { code: 'LOG_CORRUPT', message: new RegExp(`damaged at byte ${starts[2]}`) });
    await log.close();
    assert.throws(() => log.framesAt([starts[0]!]), { code: 'LOG_CLOSED' });
  }));

test('a frame larger than the read buffer is read back whole, also across a reopen', () =>
  withLog(async (path) => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 13) & 0xff);
    const log = await EnvelopeLog.open(path);
    await log.append([envelope(0), big, envelope(1)]);
    await log.close();
    const reopened = await EnvelopeLog.open(path);
    assert.equal(reopened.recovery.outcome, 'clean');
    assert.deepEqual(await readAll(reopened), [envelope(0), big, envelope(1)]);
    await reopened.close();
  }));

test('damage further from the end than one write is kept as evidence, even with nothing intact after it', () =>
  withLog(async (path) => {
    await writeFrames(path, 3);
    await appendFile(path, randomBytes(maxWriteBytes + 1));
    const log = await EnvelopeLog.open(path);
    assert.equal(log.recovery.outcome, 'corrupt');
    assert.equal(log.frameCount, 3);
    await log.close();
  }));

test('an append bigger than one write is split across writes and resolves once, whole', () =>
  withLog(async (path) => {
    const log = await EnvelopeLog.open(path);
    const big = [1, 2, 3].map((index) => new Uint8Array(maxFrameBytes).fill(index));
    const [first, second] = await Promise.all([log.append([envelope(0), ...big]), log.append([envelope(4)])]);
    assert.deepEqual([first.first, first.count, second.first], [0, 4, 4]);
    assert.equal(first.end, 32 + 8 + envelope(0).length + 3 * (8 + maxFrameBytes));
    await log.close();
    const reopened = await EnvelopeLog.open(path);
    assert.deepEqual(await readAll(reopened), [envelope(0), ...big, envelope(4)]);
    await reopened.close();
  }));
