import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteArena } from './byte-arena.ts';

const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

test('copies share no memory with what they copy, and later copies never overwrite earlier ones', () => {
  const arena = new ByteArena(1024);
  const source = bytes(100, 1);
  const first = arena.copy(source);
  source.fill(9);
  assert.deepEqual(first, bytes(100, 1));
  const copies = Array.from({ length: 40 }, (_, i) => arena.copy(bytes(60 + i, i + 2)));
  assert.deepEqual(first, bytes(100, 1));
  copies.forEach((copy, i) => assert.deepEqual(copy, bytes(60 + i, i + 2)));
  // Many copies to one slab: 40 copies of ~80 bytes into 1 KiB slabs take a handful of buffers, not 40.
  assert.ok(new Set(copies.map((copy) => copy.buffer)).size <= 5);
});

test('a large copy gets a buffer of its own', () => {
  const arena = new ByteArena(1024);
  const large = arena.copy(bytes(500, 3));
  assert.equal(large.byteOffset, 0);
  assert.equal(large.buffer.byteLength, 500);
});

test('release gives back the latest copy only', () => {
  const arena = new ByteArena(1024);
  const kept = arena.copy(bytes(50, 1));
  const refused = arena.copy(bytes(50, 2));
  arena.release(kept); // not the latest: keeps its space
  arena.release(refused);
  const next = arena.copy(bytes(50, 3));
  assert.equal(next.buffer, refused.buffer);
  assert.equal(next.byteOffset, refused.byteOffset, 'the refused copy’s space is reused');
  assert.deepEqual(kept, bytes(50, 1));
  arena.release(kept); // still not the latest
  assert.deepEqual(arena.copy(bytes(50, 4)).byteOffset, next.byteOffset + 50);
  assert.deepEqual(next, bytes(50, 3));
});
