import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EnvelopeLog } from './envelope-log.ts';
import { SnapshotStore, type Snapshot } from './snapshot-store.ts';

async function withDir(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-snapshots-'));
  try {
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function snapshotAt(frameCount: number): Snapshot {
  return { logId: '0f'.repeat(16), logOffset: 32 + frameCount * 100, frameCount, payload: new TextEncoder().encode(`state after ${frameCount}`) };
}

test('the newest snapshot comes back as saved, and only the newest two are kept', () =>
  withDir(async (dir) => {
    const store = await SnapshotStore.open(join(dir, 'snapshots'));
    assert.deepEqual(await store.loadNewest(), { snapshot: null, damaged: [] });
    await Promise.all([store.save(snapshotAt(10)), store.save(snapshotAt(20)), store.save(snapshotAt(30))]);
    assert.deepEqual((await readdir(join(dir, 'snapshots'))).sort(), ['snapshot-000000000002.bin', 'snapshot-000000000003.bin']);

    const reopened = await SnapshotStore.open(join(dir, 'snapshots'));
    const { snapshot } = await reopened.loadNewest();
    assert.deepEqual({ ...snapshot!, payload: [...snapshot!.payload] }, { ...snapshotAt(30), payload: [...snapshotAt(30).payload] });
    await reopened.save(snapshotAt(5)); // newest means last saved, even at a lower offset (a log rebuilt after damage)
    assert.equal((await reopened.loadNewest()).snapshot?.frameCount, 5);
  }));

test('a damaged newest snapshot is skipped and the one before it used', () =>
  withDir(async (dir) => {
    const store = await SnapshotStore.open(dir);
    await store.save(snapshotAt(10));
    await store.save(snapshotAt(20));
    const newest = join(dir, 'snapshot-000000000002.bin');
    const bytes = await readFile(newest);
    bytes[60]! ^= 0x01; // one bit of the payload
    await writeFile(newest, bytes);

    const { snapshot, damaged } = await store.loadNewest();
    assert.equal(snapshot?.frameCount, 10);
    assert.deepEqual(damaged, [newest]);

    await writeFile(join(dir, 'snapshot-000000000001.bin'), bytes.subarray(0, 40)); // cut short
    assert.deepEqual(await store.loadNewest(), { snapshot: null, damaged: [newest, join(dir, 'snapshot-000000000001.bin')] });
  }));

test('a save cut short by a crash leaves no trace after reopening', () =>
  withDir(async (dir) => {
    const store = await SnapshotStore.open(dir);
    await store.save(snapshotAt(10));
    await writeFile(join(dir, 'snapshot-000000000002.bin.tmp'), 'half of a snapshot');
    const reopened = await SnapshotStore.open(dir);
    assert.deepEqual((await readdir(dir)).sort(), ['snapshot-000000000001.bin']);
    assert.equal((await reopened.loadNewest()).snapshot?.frameCount, 10);
    await reopened.save(snapshotAt(20));
    assert.deepEqual((await readdir(dir)).sort(), ['snapshot-000000000001.bin', 'snapshot-000000000002.bin']);
  }));

test('a snapshot with a malformed checkpoint is refused before anything is written', () =>
  withDir(async (dir) => {
    const store = await SnapshotStore.open(dir);
    await assert.rejects(store.save({ ...snapshotAt(1), logId: 'not hex' }), /logId must be 32 hex digits/);
    await assert.rejects(store.save({ ...snapshotAt(1), logOffset: -1 }), /logOffset must be a whole number/);
    assert.deepEqual((await readdir(dir)).sort(), []);
  }));

test('a cold open from a snapshot reads only the log frames after it', () =>
  withDir(async (dir) => {
    const logPath = join(dir, 'envelopes.log');
    const frame = (index: number) => new TextEncoder().encode(`envelope ${index}`);
    const log = await EnvelopeLog.open(logPath);
    for (let index = 0; index < 50; index++) await log.append([frame(index)]);
    const snapshots = await SnapshotStore.open(join(dir, 'snapshots'));
    await snapshots.save({ ...log.checkpoint(), payload: new TextEncoder().encode('state after 50') });
    const damageAt = log.end - 100; // inside a frame the snapshot covers
    await log.append([frame(50), frame(51)]);
    await log.close();
    // Damage that only a reader of the covered frames would notice.
    const bytes = await readFile(logPath);
    bytes[damageAt]! ^= 0xff;
    await writeFile(logPath, bytes);

    const { snapshot } = await snapshots.loadNewest();
    assert.ok(snapshot);
    const reopened = await EnvelopeLog.open(logPath, { resumeFrom: snapshot });
    assert.deepEqual(reopened.recovery, { outcome: 'clean', resumed: true, droppedBytes: 0 });
    assert.equal(reopened.frameCount, 52);
    const tail: string[] = [];
    for await (const payload of reopened.frames({ from: snapshot.logOffset })) tail.push(new TextDecoder().decode(payload));
    assert.deepEqual(tail, ['envelope 50', 'envelope 51']);
    await reopened.close();
  }));

test('a payload saved in parts reads back joined, or part by part with only the first ones read up front', () =>
  withDir(async (dir) => {
    const store = await SnapshotStore.open(dir);
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new TextEncoder().encode('fold'), new Uint8Array(70_000).fill(9)];
    await store.save({ ...snapshotAt(10), payload: parts });
    const { snapshot } = await (await SnapshotStore.open(dir)).loadNewest();
    assert.deepEqual([...snapshot!.payload], parts.flatMap((part) => [...part]));

    const { snapshot: parted } = await store.loadNewestParts(3);
    assert.equal(parted!.count, 4);
    assert.equal(parted!.frameCount, 10);
    assert.deepEqual(parted!.parts.map((part) => [...part]), parts.slice(0, 3).map((part) => [...part]));
    assert.deepEqual([...parted!.readPart(3)!], [...parts[3]!]);
    assert.equal(parted!.readPart(4), null);

    // Damage in the last part: the first parts still load (and the damage shows when that part is read),
    // but the whole snapshot is never trusted.
    const path = join(dir, 'snapshot-000000000001.bin');
    const bytes = await readFile(path);
    bytes[bytes.length - 5]! ^= 0x01;
    await writeFile(path, bytes);
    assert.deepEqual(await store.loadNewest(), { snapshot: null, damaged: [path] });
    const { snapshot: early } = await store.loadNewestParts(3);
    assert.ok(early);
    assert.equal(early.readPart(3), null);
    // Once found, the damaged snapshot is set aside for good.
    assert.deepEqual(await readdir(dir), ['snapshot-000000000001.bin.damaged']);
    assert.deepEqual(await store.loadNewestParts(3), { snapshot: null, damaged: [] });
    await SnapshotStore.open(dir);
    assert.deepEqual(await readdir(dir), []);
    // A damaged early part, or header, skips the snapshot.
    bytes[bytes.length - 5]! ^= 0x01;
    bytes[bytes.length - 70_001]! ^= 0x01; // the last byte of 'fold'
    await writeFile(path, bytes);
    assert.deepEqual(await store.loadNewestParts(3), { snapshot: null, damaged: [path] });
  }));

test('an intact snapshot whose checkpoint the caller cannot use is passed over for an older one, and not counted as damaged', () =>
  withDir(async (dir) => {
    const store = await SnapshotStore.open(dir);
    await store.save({ ...snapshotAt(10), payload: [new Uint8Array([1]), new Uint8Array([2])] });
    await store.save({ ...snapshotAt(20), payload: [new Uint8Array([3]), new Uint8Array([4])] });
    const seen: number[] = [];
    const { snapshot, damaged } = await store.loadNewestParts(2, (checkpoint) => (seen.push(checkpoint.frameCount), checkpoint.frameCount < 20));
    assert.deepEqual({ frames: snapshot?.frameCount, parts: snapshot?.parts.map((part) => [...part]), damaged, seen }, { frames: 10, parts: [[1], [2]], damaged: [], seen: [20, 10] });
    assert.deepEqual(await store.loadNewestParts(2, () => false), { snapshot: null, damaged: [] });
    assert.equal((await store.loadNewestParts(2)).snapshot?.frameCount, 20);
  }));

test('a snapshot of the first format (one payload, one checksum) still loads', () =>
  withDir(async (dir) => {
    const payload = new TextEncoder().encode('the doc state of an older version');
    const header = Buffer.alloc(52);
    header.write('DMSNAPSH', 0, 'latin1');
    header.writeUInt32LE(1, 8);
    Buffer.from('0f'.repeat(16), 'hex').copy(header, 12);
    header.writeBigUInt64LE(532n, 28);
    header.writeBigUInt64LE(5n, 36);
    header.writeBigUInt64LE(BigInt(payload.length), 44);
    const digest = createHash('sha256').update(header).update(payload).digest();
    await writeFile(join(dir, 'snapshot-000000000007.bin'), Buffer.concat([header, payload, digest]));
    const store = await SnapshotStore.open(dir);
    const { snapshot } = await store.loadNewest();
    assert.deepEqual({ ...snapshot!, payload: [...snapshot!.payload] }, { logId: '0f'.repeat(16), logOffset: 532, frameCount: 5, payload: [...payload] });
    const { snapshot: parted } = await store.loadNewestParts(2);
    assert.equal(parted!.count, 1);
    assert.deepEqual([...parted!.parts[0]!], [...payload]);
    await store.save(snapshotAt(8)); // the next one is number 8, of the new format
    assert.equal((await store.loadNewest()).snapshot?.frameCount, 8);
  }));
