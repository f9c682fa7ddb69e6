import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readInBackground } from './background-read.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

test('a range read on a worker comes back whole when its SHA-256 holds, and null when it does not, the file is short or gone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'daomesh-background-read-'));
  try {
    const path = join(dir, 'file.bin');
    const file = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251);
    await writeFile(path, file);
    const range = file.subarray(1_000, 201_000);

    const read = readInBackground(path, 1_000, 200_000, sha256(range));
    const bytes = read.take();
    assert.ok(bytes);
    assert.equal(bytes.length, 200_000);
    assert.ok(Buffer.from(bytes).equals(range));
    assert.equal(bytes.byteOffset, 0, 'handed over whole, not a view of something larger');
    assert.equal(read.take(), null, 'once only');

    const wrongDigest = sha256(range);
    wrongDigest[0]! ^= 1;
    assert.equal(readInBackground(path, 1_000, 200_000, wrongDigest).take(), null);
    assert.equal(readInBackground(path, 200_000, 200_000, sha256(file.subarray(200_000))).take(), null, 'past the end');
    assert.equal(readInBackground(join(dir, 'gone.bin'), 0, 10, sha256(file.subarray(0, 10))).take(), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
