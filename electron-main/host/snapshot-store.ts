// Snapshots of a DAO for a fast cold open (DESIGN.md §4a): an opaque payload (the folded state and the ids
// of the records already verified) tied to the envelope-log checkpoint it covers. Opening a DAO loads the
// newest intact snapshot and reads only the log frames after its checkpoint.
//
// File `snapshot-<sequence>.bin`, format 2: magic "DMSNAPSH", u32 version, 16-byte log id, u64 log offset,
// u64 frame count, u32 part count, then per part its u64 length and sha256, then the sha256 of everything
// before it, then the parts back to back. Little-endian. The payload is its parts joined; since each part
// has its own checksum, a reader may check and use the first parts and read a later one only when it needs
// it (the Y.Doc's state, the biggest part, is not needed to open a DAO). Format 1, still read: the same
// header with a u64 payload length instead of the parts, the payload, and one sha256 of everything before it.
// A snapshot is trusted in place of re-verifying signatures, so it gets a real hash, not a CRC: on a few MB
// it costs milliseconds, and a damaged snapshot that passed would be a silently wrong state.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogCheckpoint } from './envelope-log.ts';
import { syncDirectory } from './data-dir.ts';

export type Snapshot = LogCheckpoint & { payload: Uint8Array };

/** What save takes: the payload may come in parts, written (and checked) one by one without joining them. */
export type SnapshotToSave = LogCheckpoint & { payload: Uint8Array | readonly Uint8Array[] };

export type LoadedSnapshot = {
  /** The newest intact snapshot, or null if there is none. */
  snapshot: Snapshot | null;
  /** Newer snapshot files that were damaged and skipped. */
  damaged: string[];
};

/** A snapshot whose first parts were read and checked; the rest are read when asked for. */
export type PartedSnapshot = LogCheckpoint & {
  /** How many parts the payload has (1 for a snapshot of format 1: its whole payload). */
  readonly count: number;
  /** The first parts, checked. */
  readonly parts: readonly Uint8Array[];
  /**
   * Part `index`, read from the file now and checked; null when the file is gone or the part is damaged, and
   * then the file is set aside (renamed `*.damaged`) so that no later load takes it. Synchronous: it stands
   * in for data that was not needed until now.
   */
  readPart(index: number): Uint8Array | null;
  /** Sets the file aside (renamed `*.damaged`) when a part that checked out cannot be used: no later load takes it. */
  setAside(): void;
};

export type LoadedParts = { snapshot: PartedSnapshot | null; damaged: string[] };

const magic = Buffer.from('DMSNAPSH', 'latin1');
const formatVersion = 2;
const checkpointBytes = 44; // magic, version, log id, offset, frame count
const legacyHeaderBytes = 52;
const digestBytes = 32;
const partEntryBytes = 8 + digestBytes;
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
      // A save cut short by a crash, or a snapshot found damaged (nothing in it that the log does not hold).
      if (name.endsWith('.tmp') || name.endsWith('.damaged')) await rm(join(dir, name), { force: true });
    }
    const sequences = await listSequences(dir);
    return new SnapshotStore(dir, options.keep ?? 2, (sequences[0] ?? 0) + 1);
  }

  /**
   * Writes the snapshot so that a crash leaves it whole or absent, then drops all but the newest `keep`.
   * Saves run one at a time, in call order; newest means last saved, whatever its offset.
   */
  save(snapshot: SnapshotToSave): Promise<void> {
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

  /**
   * Removes every snapshot, after the saves under way: for when the log they point into was rebuilt, so that
   * the next open verifies the whole log again rather than trust a state that held what the log lost.
   */
  async dropAll(): Promise<void> {
    await this.#saving;
    for (const sequence of await listSequences(this.dir)) await rm(join(this.dir, snapshotName(sequence)), { force: true });
    await syncDirectory(this.dir);
  }

  /** The newest snapshot whose checksums hold, its parts joined; damaged ones are skipped, never trusted. */
  async loadNewest(): Promise<LoadedSnapshot> {
    const damaged: string[] = [];
    for (const sequence of await listSequences(this.dir)) {
      const path = join(this.dir, snapshotName(sequence));
      const bytes = await readRange(path, 0, Infinity).catch(() => null);
      const snapshot = bytes === null ? null : decodeWhole(bytes);
      if (snapshot !== null) return { snapshot, damaged };
      damaged.push(path);
    }
    return { snapshot: null, damaged };
  }

  /**
   * The newest snapshot whose header and first `eager` parts check out, reading nothing of the file past
   * them; later parts come from `readPart`. Damaged ones are skipped, as by loadNewest; so are intact ones
   * whose checkpoint `usable` turns down (their parts unread), which are not counted as damaged.
   */
  async loadNewestParts(eager: number, usable: (checkpoint: LogCheckpoint) => boolean = () => true): Promise<LoadedParts> {
    const damaged: string[] = [];
    for (const sequence of await listSequences(this.dir)) {
      const path = join(this.dir, snapshotName(sequence));
      const snapshot = await readParted(path, eager, usable).catch(() => null);
      if (snapshot === 'unusable') continue;
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

/**
 * Bytes [from, to) of the file (to the end if `to` is past it) in as few reads as the kernel allows:
 * readFile reads in 512 KiB steps through the thread pool, which for tens of MB on a busy machine took longer
 * than checking them.
 */
async function readRange(path: string, from: number, to: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const end = Math.min(to, (await handle.stat()).size);
    const bytes = Buffer.allocUnsafe(Math.max(0, end - from));
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, from + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === bytes.length ? bytes : bytes.subarray(0, read);
  } finally {
    await handle.close();
  }
}

function readRangeSync(path: string, from: number, length: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    if (fstatSync(fd).size < from + length) return null;
    const bytes = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const bytesRead = readSync(fd, bytes, read, length - read, from + read);
      if (bytesRead === 0) return null;
      read += bytesRead;
    }
    return bytes;
  } finally {
    closeSync(fd);
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

function sha256(...chunks: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest();
}

function encodeSnapshot(snapshot: SnapshotToSave): Uint8Array[] {
  if (!/^[0-9a-f]{32}$/.test(snapshot.logId)) throw new TypeError(`A snapshot's logId must be 32 hex digits, not ${JSON.stringify(snapshot.logId)}.`);
  for (const field of ['logOffset', 'frameCount'] as const) {
    if (!Number.isSafeInteger(snapshot[field]) || snapshot[field] < 0) throw new TypeError(`A snapshot's ${field} must be a whole number >= 0.`);
  }
  const parts = snapshot.payload instanceof Uint8Array ? [snapshot.payload] : [...snapshot.payload];
  const header = Buffer.alloc(checkpointBytes + 4 + parts.length * partEntryBytes);
  magic.copy(header, 0);
  header.writeUInt32LE(formatVersion, 8);
  Buffer.from(snapshot.logId, 'hex').copy(header, 12);
  header.writeBigUInt64LE(BigInt(snapshot.logOffset), 28);
  header.writeBigUInt64LE(BigInt(snapshot.frameCount), 36);
  header.writeUInt32LE(parts.length, checkpointBytes);
  parts.forEach((part, index) => {
    const at = checkpointBytes + 4 + index * partEntryBytes;
    header.writeBigUInt64LE(BigInt(part.length), at);
    sha256(part).copy(header, at + 8);
  });
  return [header, sha256(header), ...parts];
}

/** The checkpoint in the first 44 bytes, or null. */
function checkpointOf(bytes: Buffer): LogCheckpoint | null {
  const logOffset = bytes.readBigUInt64LE(28);
  const frameCount = bytes.readBigUInt64LE(36);
  if (logOffset > BigInt(Number.MAX_SAFE_INTEGER) || frameCount > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { logId: bytes.subarray(12, 28).toString('hex'), logOffset: Number(logOffset), frameCount: Number(frameCount) };
}

/** Format 2's header: the checkpoint and the part table, if its checksum holds. */
function decodeHeader(bytes: Buffer): { checkpoint: LogCheckpoint; parts: Array<{ offset: number; length: number; digest: Buffer }>; end: number } | null {
  if (bytes.length < checkpointBytes + 4 || !bytes.subarray(0, magic.length).equals(magic) || bytes.readUInt32LE(8) !== formatVersion) return null;
  const count = bytes.readUInt32LE(checkpointBytes);
  const tableEnd = checkpointBytes + 4 + count * partEntryBytes;
  if (count > 1024 || bytes.length < tableEnd + digestBytes) return null;
  if (!sha256(bytes.subarray(0, tableEnd)).equals(bytes.subarray(tableEnd, tableEnd + digestBytes))) return null;
  const checkpoint = checkpointOf(bytes);
  if (checkpoint === null) return null;
  const parts: Array<{ offset: number; length: number; digest: Buffer }> = [];
  let offset = tableEnd + digestBytes;
  for (let index = 0; index < count; index++) {
    const at = checkpointBytes + 4 + index * partEntryBytes;
    const length = bytes.readBigUInt64LE(at);
    if (length > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    parts.push({ offset, length: Number(length), digest: bytes.subarray(at + 8, at + 8 + digestBytes) });
    offset += Number(length);
  }
  return { checkpoint, parts, end: offset };
}

/** A whole file of either format, every checksum checked. */
function decodeWhole(bytes: Buffer): Snapshot | null {
  if (bytes.length >= 12 && bytes.subarray(0, magic.length).equals(magic) && bytes.readUInt32LE(8) === 1) return decodeLegacy(bytes);
  const header = decodeHeader(bytes);
  if (header === null || header.end !== bytes.length) return null;
  for (const part of header.parts) if (!sha256(bytes.subarray(part.offset, part.offset + part.length)).equals(part.digest)) return null;
  const start = header.parts[0]?.offset ?? header.end;
  return { ...header.checkpoint, payload: new Uint8Array(bytes.buffer, bytes.byteOffset + start, header.end - start) };
}

function decodeLegacy(bytes: Buffer): Snapshot | null {
  if (bytes.length < legacyHeaderBytes + digestBytes) return null;
  const payloadLength = bytes.readBigUInt64LE(44);
  if (payloadLength !== BigInt(bytes.length - legacyHeaderBytes - digestBytes)) return null;
  const body = bytes.subarray(0, bytes.length - digestBytes);
  if (!sha256(body).equals(bytes.subarray(body.length))) return null;
  const checkpoint = checkpointOf(bytes);
  if (checkpoint === null) return null;
  return { ...checkpoint, payload: new Uint8Array(bytes.buffer, bytes.byteOffset + legacyHeaderBytes, Number(payloadLength)) };
}

/**
 * Reads the header and the first `eager` parts of `path` and checks them; null if anything does not hold, and
 * 'unusable' (no part read) when `usable` turns its checkpoint down.
 */
async function readParted(path: string, eager: number, usable: (checkpoint: LogCheckpoint) => boolean): Promise<PartedSnapshot | 'unusable' | null> {
  // The header is small; read a generous first slice, and more only when the table or the eager parts need it.
  let head = await readRange(path, 0, 64 * 1024);
  if (head.length >= 12 && head.subarray(0, magic.length).equals(magic) && head.readUInt32LE(8) === 1) {
    const whole = decodeLegacy(await readRange(path, 0, Infinity));
    if (whole !== null && !usable(whole)) return 'unusable';
    if (whole === null) return null;
    return { logId: whole.logId, logOffset: whole.logOffset, frameCount: whole.frameCount, count: 1, parts: [whole.payload], readPart: (index) => (index === 0 ? whole.payload : null), setAside: () => setAside(path) };
  }
  if (head.length >= checkpointBytes + 4 && head.readUInt32LE(checkpointBytes) <= 1024) {
    const tableEnd = checkpointBytes + 4 + head.readUInt32LE(checkpointBytes) * partEntryBytes + digestBytes;
    if (tableEnd > head.length) head = await readRange(path, 0, tableEnd);
  }
  const header = decodeHeader(head);
  if (header === null) return null;
  if (!usable(header.checkpoint)) return 'unusable';
  const wanted = header.parts.slice(0, eager);
  const eagerEnd = wanted.at(-1) ? wanted.at(-1)!.offset + wanted.at(-1)!.length : header.parts[0]?.offset ?? header.end;
  const bytes = eagerEnd > head.length ? await readRange(path, 0, eagerEnd) : head;
  if (bytes.length < eagerEnd) return null;
  const parts: Uint8Array[] = [];
  for (const part of wanted) {
    const data = bytes.subarray(part.offset, part.offset + part.length);
    if (!sha256(data).equals(part.digest)) return null;
    parts.push(new Uint8Array(data.buffer, data.byteOffset, data.length));
  }
  return {
    ...header.checkpoint,
    count: header.parts.length,
    parts,
    readPart(index) {
      const part = header.parts[index];
      if (part === undefined) return null;
      if (index < parts.length) return parts[index]!;
      const data = readRangeSync(path, part.offset, part.length);
      if (data === null || !sha256(data).equals(part.digest)) {
        setAside(path);
        return null;
      }
      return new Uint8Array(data.buffer, data.byteOffset, data.length);
    },
    setAside: () => setAside(path),
  };
}

function setAside(path: string): void {
  try {
    renameSync(path, `${path}.damaged`);
  } catch {
    // already gone
  }
}
