// Snapshots of a DAO for a fast cold open (DESIGN.md §4a): an opaque payload (the folded state and the ids
// of the records already verified) tied to the envelope-log checkpoint it covers. Opening a DAO loads the
// newest intact snapshot and reads only the log frames after its checkpoint.
//
// File `snapshot-<sequence>.bin`: magic "DMSNAPSH", u32 version, 16-byte log id, u64 log offset,
// u64 frame count, u64 payload length, payload, sha256 of everything before it. Little-endian. A snapshot
// is trusted in place of re-verifying signatures, so it gets a real hash, not a CRC: on a few MB it costs
// milliseconds, and a damaged snapshot that passed would be a silently wrong state.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogCheckpoint } from './envelope-log.ts';

export type Snapshot = LogCheckpoint & { payload: Uint8Array };

export type LoadedSnapshot = {
  /** The newest intact snapshot, or null if there is none. */
  snapshot: Snapshot | null;
  /** Newer snapshot files that were damaged and skipped. */
  damaged: string[];
};

const magic = Buffer.from('DMSNAPSH', 'latin1');
const formatVersion = 1;
const headerBytes = 52;
const digestBytes = 32;
const fileName = /^snapshot-(\d+)\.bin$/;

export class SnapshotStore {
  readonly dir: string;
  readonly #keep: number;
  #nextSequence: number;
  #saving: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, keep: number, nextSequence: number) {
    this.dir = dir;
    this.#keep = keep;
    this.#nextSequence = nextSequence;
  }

  /** `keep`: how many of the newest snapshots survive a save; two, so a damaged newest one has a fallback. */
  static async open(dir: string, options: { keep?: number } = {}): Promise<SnapshotStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(dir)) {
      if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true }); // a save cut short by a crash
    }
    const sequences = await listSequences(dir);
    return new SnapshotStore(dir, options.keep ?? 2, (sequences[0] ?? 0) + 1);
  }

  /**
   * Writes the snapshot so that a crash leaves it whole or absent, then drops all but the newest `keep`.
   * Saves run one at a time, in call order; newest means last saved, whatever its offset.
   */
  save(snapshot: Snapshot): Promise<void> {
    let file: Uint8Array[];
    try {
      file = encodeSnapshot(snapshot); // validates before anything is queued
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const sequence = this.#nextSequence++;
    const saved = this.#saving.then(() => this.#write(sequence, file));
    this.#saving = saved.catch(() => undefined);
    return saved;
  }

  /** The newest snapshot whose checksum holds; damaged ones are skipped, never trusted. */
  async loadNewest(): Promise<LoadedSnapshot> {
    const damaged: string[] = [];
    for (const sequence of await listSequences(this.dir)) {
      const path = join(this.dir, snapshotName(sequence));
      const bytes = await readFile(path).catch(() => null);
      const snapshot = bytes === null ? null : decodeSnapshot(bytes);
      if (snapshot !== null) return { snapshot, damaged };
      damaged.push(path);
    }
    return { snapshot: null, damaged };
  }

  async #write(sequence: number, parts: Uint8Array[]): Promise<void> {
    const path = join(this.dir, snapshotName(sequence));
    const temporary = `${path}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      for (const part of parts) await handle.writeFile(part);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    await syncDirectory(this.dir);
    for (const old of (await listSequences(this.dir)).slice(this.#keep)) {
      await rm(join(this.dir, snapshotName(old)), { force: true });
    }
  }
}

function snapshotName(sequence: number): string {
  return `snapshot-${String(sequence).padStart(12, '0')}.bin`;
}

/** Sequence numbers of the snapshot files, newest first. */
async function listSequences(dir: string): Promise<number[]> {
  const sequences: number[] = [];
  for (const name of await readdir(dir)) {
    const match = fileName.exec(name);
    if (match) sequences.push(Number(match[1]));
  }
  return sequences.sort((a, b) => b - a);
}

function encodeSnapshot(snapshot: Snapshot): Uint8Array[] {
  if (!/^[0-9a-f]{32}$/.test(snapshot.logId)) throw new TypeError(`A snapshot's logId must be 32 hex digits, not ${JSON.stringify(snapshot.logId)}.`);
  for (const field of ['logOffset', 'frameCount'] as const) {
    if (!Number.isSafeInteger(snapshot[field]) || snapshot[field] < 0) throw new TypeError(`A snapshot's ${field} must be a whole number >= 0.`);
  }
  const header = Buffer.alloc(headerBytes);
  magic.copy(header, 0);
  header.writeUInt32LE(formatVersion, 8);
  Buffer.from(snapshot.logId, 'hex').copy(header, 12);
  header.writeBigUInt64LE(BigInt(snapshot.logOffset), 28);
  header.writeBigUInt64LE(BigInt(snapshot.frameCount), 36);
  header.writeBigUInt64LE(BigInt(snapshot.payload.length), 44);
  const digest = createHash('sha256').update(header).update(snapshot.payload).digest();
  return [header, snapshot.payload, digest];
}

function decodeSnapshot(bytes: Buffer): Snapshot | null {
  if (bytes.length < headerBytes + digestBytes || !bytes.subarray(0, magic.length).equals(magic)) return null;
  if (bytes.readUInt32LE(8) !== formatVersion) return null;
  const payloadLength = bytes.readBigUInt64LE(44);
  if (payloadLength !== BigInt(bytes.length - headerBytes - digestBytes)) return null;
  const body = bytes.subarray(0, bytes.length - digestBytes);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(body.length))) return null;
  const logOffset = bytes.readBigUInt64LE(28);
  const frameCount = bytes.readBigUInt64LE(36);
  if (logOffset > BigInt(Number.MAX_SAFE_INTEGER) || frameCount > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return {
    logId: bytes.subarray(12, 28).toString('hex'),
    logOffset: Number(logOffset),
    frameCount: Number(frameCount),
    payload: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, Number(payloadLength)),
  };
}

/** Makes the rename durable; Windows cannot open a directory and persists renames itself. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
