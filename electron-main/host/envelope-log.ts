// The crash-safe store of accepted envelopes: one append-only file per DAO (DESIGN.md §4, Storage).
//
// File: a 32-byte header, then frames. Header = magic "DMENVLOG", u32 version, 16-byte log id, u32 CRC-32
// of the 28 bytes before it. Frame = u32 CRC-32 of the rest of the frame, u32 payload length, payload (the
// checksum comes first so that it covers the length and the payload as one range). Little-endian.
// CRC-32 (zlib's, native in Node 22+) and not a hash: it guards against torn writes and bit rot, not
// forgery (every envelope is signed), costs ~0.1 µs per frame against ~1 µs for sha256, and misses a random
// error with odds of 2^-32.
//
// The log id names one append-only byte history: appends and cutting a torn tail keep it, rebuilding the
// file after damage gives a new one, so a snapshot taken against the old bytes is never resumed on the new.
//
// Rebuilding keeps every intact frame, also those after the damage: a damaged frame whose length field still
// leads to an intact frame (or the end) is skipped exactly; otherwise the next offset where an intact frame
// starts is searched for. A frame found that way that was never written (a chance checksum match inside a
// damaged payload) is still only bytes the update gate checks, signature first, before anything uses them.
import { randomBytes } from 'node:crypto';
import { copyFile, link, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { mkdirDurable, syncDirectory } from './data-dir.ts';

export const maxFrameBytes = 4 * 1024 * 1024;
/**
 * Bytes written between two fsyncs at most (bigger appends are split). A crash can only tear what was not
 * yet synced, so damage that runs further than this from the end of the file cannot be a torn tail.
 */
export const maxWriteBytes = 8 * 1024 * 1024;

const magic = Buffer.from('DMENVLOG', 'latin1');
const formatVersion = 1;
const headerBytes = 32;
const frameHeaderBytes = 8;
const readChunkBytes = 1024 * 1024;

export type StorageErrorCode = 'FRAME_TOO_LARGE' | 'EMPTY_FRAME' | 'LOG_CLOSED' | 'LOG_FAILED' | 'LOG_CORRUPT' | 'LOG_UNREADABLE';

/** Same shape as DaomeshError (code, sentence, fix); kept here until core/errors.ts lists these codes. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly hint: string | undefined;

  constructor(code: StorageErrorCode, message: string, hint?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
    this.hint = hint;
  }
}

/** Where a log stood when a snapshot was taken: enough to resume reading after it. */
export type LogCheckpoint = { logId: string; logOffset: number; frameCount: number };

export type LogRecovery = {
  /**
   * created: there was no log. clean: it ended on a frame boundary. torn-tail: an unfinished write (a crash
   * before its fsync returned) was cut off. corrupt: damaged bytes with intact frames after them; the file was
   * kept as evidence and the log rebuilt from its intact frames (before and after the damage), under a new
   * log id.
   */
  outcome: 'created' | 'clean' | 'torn-tail' | 'corrupt';
  /** True when the frames before `resumeFrom` were not read again. */
  resumed: boolean;
  /** Bytes cut off (torn tail) or left out of the rebuilt log (corrupt). */
  droppedBytes: number;
  /** corrupt only: intact frames found after the damage and kept. */
  keptAfterDamage?: number;
  /** corrupt only: where the damage starts, and the damaged file, untouched. */
  damagedAt?: number;
  evidencePath?: string;
};

/**
 * An append made durable: its first frame's number, how many, where the log ends after it, and where each of its
 * frames starts (what framesAt reads back) in the log named `logId` (a rebuild writes the frames elsewhere).
 */
export type AppendResult = { first: number; count: number; end: number; logId: string; offsets: number[] };

/** A frame's payload, a copy the caller may keep, and the offset its frame starts at (for framesAt). */
export type LogEntry = { offset: number; bytes: Uint8Array };

export type OpenLogOptions = {
  /** A checkpoint from a snapshot: if it matches this log, only the frames after it are read. */
  resumeFrom?: LogCheckpoint | undefined;
};

/** One append, settled when its last chunk is durable. */
type Append = { first: number; count: number; offsets: number[]; resolve: (result: AppendResult) => void; reject: (error: Error) => void };

/** Encoded frames of one append, at most maxWriteBytes, and where each frame starts in `bytes`. */
type Chunk = { bytes: Buffer; count: number; starts: number[]; append: Append; isFirst: boolean; isLast: boolean };

export class EnvelopeLog {
  readonly path: string;
  readonly recovery: LogRecovery;
  #handle: FileHandle;
  #logId: string;
  #frameCount: number;
  #end: number;
  #pending: Chunk[] = [];
  #committing = false;
  #drained: Promise<void> = Promise.resolve();
  #closed = false;
  #failure: StorageError | undefined;
  /** The log id before the last repair rebuilt the file, and where its damage began: the bytes before it were kept. */
  #rebuiltFrom: { logId: string; end: number } | null = null;

  private constructor(path: string, handle: FileHandle, logId: string, frameCount: number, end: number, recovery: LogRecovery) {
    this.path = path;
    this.#handle = handle;
    this.#logId = logId;
    this.#frameCount = frameCount;
    this.#end = end;
    this.recovery = recovery;
  }

  /** Opens or creates the log at `path`, cutting a torn tail and setting damaged bytes aside (see `recovery`). */
  static async open(path: string, options: OpenLogOptions = {}): Promise<EnvelopeLog> {
    await rm(rebuildPath(path), { force: true }); // left by a crash while creating or rebuilding
    let handle = await openExisting(path);
    if (handle !== null && (await handle.stat()).size === 0) {
      await handle.close(); // not one of ours (ours are created whole), and nothing in it to lose
      handle = null;
    }
    if (handle === null) {
      const logId = await writeFreshLog(path, null, []);
      handle = await open(path, 'r+');
      return new EnvelopeLog(path, handle, logId, 0, headerBytes, { outcome: 'created', resumed: false, droppedBytes: 0 });
    }
    try {
      const size = (await handle.stat()).size;
      const logId = await readHeader(handle, path, size);
      const resume = options.resumeFrom;
      const resumed = resume !== undefined && resumesIn(resume, logId, size);
      const reader = new FrameReader(handle, resumed ? resume.logOffset : headerBytes, size);
      let frameCount = resumed ? resume.frameCount : 0;
      let frame = reader.nextBuffered() ?? (await reader.next());
      while (frame instanceof Uint8Array) {
        frameCount++;
        frame = reader.nextBuffered() ?? (await reader.next());
      }
      const end = reader.position;
      if (frame === 'end') return new EnvelopeLog(path, handle, logId, frameCount, end, { outcome: 'clean', resumed, droppedBytes: 0 });

      if (!(await reader.isDamageInTheMiddle())) {
        await handle.truncate(end);
        await handle.sync();
        return new EnvelopeLog(path, handle, logId, frameCount, end, { outcome: 'torn-tail', resumed, droppedBytes: size - end });
      }
      const rebuilt = await rebuildWithoutDamage(path, handle, end, size);
      handle = rebuilt.handle;
      const recovery: LogRecovery = { ...rebuilt.recovery, resumed };
      return new EnvelopeLog(path, handle, rebuilt.logId, frameCount + rebuilt.keptAfterDamage, rebuilt.end, recovery);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  get logId(): string {
    return this.#logId;
  }

  /** Frames that are durable (their append resolved, or they were there at open). */
  get frameCount(): number {
    return this.#frameCount;
  }

  /** Byte offset after the last durable frame; also the file's size between appends. */
  get end(): number {
    return this.#end;
  }

  /**
   * Where the durable frames end, for a snapshot of a state that folded all of them. One fsync can resolve
   * several appends at once, so code that folds each append as it resolves should build the checkpoint
   * from that append's result instead: { logId, logOffset: result.end, frameCount: result.first + result.count }.
   */
  checkpoint(): LogCheckpoint {
    return { logId: this.#logId, logOffset: this.#end, frameCount: this.#frameCount };
  }

  /**
   * Whether the frames a checkpoint (a snapshot's) covers are still this log's first frames, byte for byte, so
   * that a reader holding them may read on from its logOffset: it is of this log, or of the one the last repair
   * rebuilt it from and before the damage (a rebuild copies the frames before the damage as they were).
   */
  resumable(checkpoint: LogCheckpoint): boolean {
    const before = this.#rebuiltFrom;
    return resumesIn(checkpoint, this.#logId, this.#end) || (before !== null && resumesIn(checkpoint, before.logId, before.end));
  }

  /**
   * Appends the frames in order and resolves once they are on disk (fsync). Batches that arrive while a
   * write is under way share the next write and fsync. A batch is refused whole if any frame is too big.
   */
  append(frames: readonly Uint8Array[]): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new StorageError('LOG_CLOSED', `The envelope log ${this.path} is closed.`));
    if (this.#failure) return Promise.reject(this.#failure);
    let encoded: EncodedFrames[];
    try {
      encoded = encodeFrames(frames);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise((resolve, reject) => {
      const append: Append = { first: 0, count: frames.length, offsets: [], resolve, reject };
      encoded.forEach(({ bytes, count, starts }, i) => {
        this.#pending.push({ bytes, count, starts, append, isFirst: i === 0, isLast: i === encoded.length - 1 });
      });
      if (!this.#committing) {
        this.#committing = true;
        this.#drained = this.#commitPending();
      }
    });
  }

  /**
   * Streams the payloads of the frames from `from` (a frame boundary, such as a checkpoint's logOffset) to
   * the durable end as it stands now. Each payload is a copy the caller may keep.
   */
  frames(options: { from?: number } = {}): AsyncGenerator<Uint8Array, void, undefined> {
    return payloads(this.entries(options));
  }

  /** As frames(), each payload with the offset its frame starts at (what framesAt reads back). */
  entries(options: { from?: number } = {}): AsyncGenerator<LogEntry, void, undefined> {
    if (this.#closed) throw new StorageError('LOG_CLOSED', `The envelope log ${this.path} is closed.`);
    const from = options.from ?? headerBytes;
    if (!Number.isSafeInteger(from) || from < headerBytes || from > this.#end) {
      throw new RangeError(`Cannot read the envelope log from byte ${from}: it holds frames from ${headerBytes} to ${this.#end}.`);
    }
    return this.#read(from, this.#end);
  }

  /**
   * The payloads of the frames that start at `offsets`, in that order: offsets that entries() or appends gave,
   * ascending, each before the durable end. One buffer reads them forward, so frames near each other cost one
   * read. Each payload is a copy the caller may keep; a frame that fails its checksum ends the read with
   * LOG_CORRUPT, as in frames().
   */
  framesAt(offsets: readonly number[]): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#closed) throw new StorageError('LOG_CLOSED', `The envelope log ${this.path} is closed.`);
    let previous = headerBytes - 1;
    for (const offset of offsets) {
      if (!Number.isSafeInteger(offset) || offset <= previous || offset >= this.#end) {
        throw new RangeError(`Cannot read a frame of the envelope log at byte ${offset}: offsets must rise, from ${headerBytes}, and start a frame before ${this.#end}.`);
      }
      previous = offset;
    }
    return this.#readAt([...offsets], this.#end);
  }

  async *#read(from: number, limit: number): AsyncGenerator<LogEntry, void, undefined> {
    const reader = new FrameReader(this.#handle, from, limit);
    for (;;) {
      const offset = reader.position;
      const frame = reader.nextBuffered() ?? (await reader.next());
      if (frame === 'end') return;
      if (frame === 'damaged') throw this.#damagedAt(offset);
      yield { offset, bytes: frame.slice() };
    }
  }

  async *#readAt(offsets: readonly number[], limit: number): AsyncGenerator<Uint8Array, void, undefined> {
    if (offsets.length === 0) return;
    const reader = new FrameReader(this.#handle, offsets[0]!, limit);
    for (const offset of offsets) {
      reader.skipTo(offset);
      const frame = reader.nextBuffered() ?? (await reader.next());
      // 'end' cannot come (every offset is before the limit); 'damaged' includes an offset that starts no frame.
      if (!(frame instanceof Uint8Array)) throw this.#damagedAt(offset);
      yield frame.slice();
    }
  }

  #damagedAt(offset: number): StorageError {
    return new StorageError(
      'LOG_CORRUPT',
      `The envelope log ${this.path} is damaged at byte ${offset}.`,
      'Close and reopen it: the damaged part is set aside and the frames before it kept.',
    );
  }

  /**
   * Reads every frame for damage (bit rot in frames a resumed open never read) and, if there is any, rebuilds
   * the file as open does: evidence kept, every intact frame kept, a new log id. Appends wait meanwhile.
   * Returns 'clean' when nothing was damaged.
   */
  async repair(): Promise<LogRecovery> {
    if (this.#closed) throw new StorageError('LOG_CLOSED', `The envelope log ${this.path} is closed.`);
    while (this.#committing) await this.#drained;
    if (this.#failure) throw this.#failure;
    this.#committing = true; // appends made meanwhile queue up and go to the rebuilt file
    try {
      const reader = new FrameReader(this.#handle, headerBytes, this.#end);
      let frameCount = 0;
      let frame = reader.nextBuffered() ?? (await reader.next());
      while (frame instanceof Uint8Array) {
        frameCount++;
        frame = reader.nextBuffered() ?? (await reader.next());
      }
      if (frame === 'end') return { outcome: 'clean', resumed: false, droppedBytes: 0 };
      let rebuilt: Awaited<ReturnType<typeof rebuildWithoutDamage>>;
      try {
        rebuilt = await rebuildWithoutDamage(this.path, this.#handle, reader.position, this.#end);
      } catch (cause) {
        // The handle may be closed by now and the file is either the old one or the new one: only a reopen can say.
        this.#failure = new StorageError('LOG_FAILED', `Could not repair the envelope log ${this.path}: ${(cause as Error).message}`, 'Free disk space or fix the disk, then restart the node.', { cause });
        throw this.#failure;
      }
      this.#handle = rebuilt.handle;
      this.#rebuiltFrom = { logId: this.#logId, end: reader.position };
      this.#logId = rebuilt.logId;
      this.#frameCount = frameCount + rebuilt.keptAfterDamage;
      this.#end = rebuilt.end;
      return rebuilt.recovery;
    } finally {
      this.#committing = false;
      if (this.#pending.length > 0) {
        this.#committing = true;
        this.#drained = this.#commitPending();
      }
    }
  }

  /** Waits for the appends under way, then releases the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#drained;
    await this.#handle.close();
  }

  async #commitPending(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const group = this.#takeGroup();
        const bytes = group.length === 1 ? group[0]!.bytes : Buffer.concat(group.map((chunk) => chunk.bytes));
        try {
          await writeAll(this.#handle, bytes, this.#end);
          await this.#handle.datasync();
        } catch (cause) {
          // After a failed write or fsync the kernel's view of the file is unknown; only a reopen, which
          // re-reads and cuts what did not make it, can say what is durable.
          this.#failure = new StorageError(
            'LOG_FAILED',
            `Could not write the envelope log ${this.path}: ${(cause as Error).message}`,
            'Free disk space or fix the disk, then restart the node.',
            { cause },
          );
          for (const chunk of [...group, ...this.#pending]) chunk.append.reject(this.#failure);
          this.#pending = [];
          return;
        }
        for (const chunk of group) {
          const { append } = chunk;
          if (chunk.isFirst) append.first = this.#frameCount;
          for (const start of chunk.starts) append.offsets.push(this.#end + start);
          this.#frameCount += chunk.count;
          this.#end += chunk.bytes.length;
          if (chunk.isLast) append.resolve({ first: append.first, count: append.count, end: this.#end, logId: this.#logId, offsets: append.offsets });
        }
      }
    } finally {
      this.#committing = false; // in the same tick as the last look at #pending, so no append is stranded
    }
  }

  /** The chunks waiting, oldest first, up to maxWriteBytes (at least one): the next write and fsync. */
  #takeGroup(): Chunk[] {
    let bytes = 0;
    let taken = 0;
    while (taken < this.#pending.length && (taken === 0 || bytes + this.#pending[taken]!.bytes.length <= maxWriteBytes)) {
      bytes += this.#pending[taken]!.bytes.length;
      taken++;
    }
    return this.#pending.splice(0, taken);
  }
}

/** The payloads of `entries`. */
async function* payloads(entries: AsyncIterable<LogEntry>): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const { bytes } of entries) yield bytes;
}

/** Whether `checkpoint` is of the log `logId` and points into its frames, up to byte `end`. */
function resumesIn(checkpoint: LogCheckpoint, logId: string, end: number): boolean {
  return checkpoint.logId === logId && checkpoint.logOffset >= headerBytes && checkpoint.logOffset <= end;
}

type EncodedFrames = { bytes: Buffer; count: number; starts: number[] };

/** Checks and encodes the frames of one append, split into chunks of at most maxWriteBytes. */
function encodeFrames(frames: readonly Uint8Array[]): EncodedFrames[] {
  for (const frame of frames) {
    if (frame.length === 0) throw new StorageError('EMPTY_FRAME', 'An envelope of zero bytes cannot be stored.');
    if (frame.length > maxFrameBytes) {
      throw new StorageError(
        'FRAME_TOO_LARGE',
        `An envelope of ${frame.length} bytes is over the ${maxFrameBytes}-byte limit of the envelope log.`,
        'Split the change into smaller updates.',
      );
    }
  }
  const chunks: EncodedFrames[] = [];
  for (let start = 0; start < frames.length || chunks.length === 0; ) {
    let end = start;
    let total = 0;
    while (end < frames.length && (end === start || total + frameHeaderBytes + frames[end]!.length <= maxWriteBytes)) {
      total += frameHeaderBytes + frames[end]!.length;
      end++;
    }
    const bytes = Buffer.allocUnsafe(total);
    const starts: number[] = [];
    let at = 0;
    for (const frame of frames.slice(start, end)) {
      starts.push(at);
      bytes.writeUInt32LE(frame.length, at + 4);
      bytes.set(frame, at + frameHeaderBytes);
      bytes.writeUInt32LE(crc32(bytes.subarray(at + 4, at + frameHeaderBytes + frame.length)), at);
      at += frameHeaderBytes + frame.length;
    }
    chunks.push({ bytes, count: end - start, starts });
    start = end;
  }
  return chunks;
}

async function writeAll(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    written += bytesWritten;
  }
}

/**
 * Reads frames forward from `position` up to `limit` through a reused buffer. Payloads it returns are views
 * into that buffer, valid until the next call.
 */
class FrameReader {
  readonly #handle: FileHandle;
  readonly #limit: number;
  #buffer = Buffer.allocUnsafe(readChunkBytes);
  #bufferStart: number;
  #bufferLength = 0;
  /** Start of the next frame; after 'damaged', start of the damaged frame. */
  position: number;

  constructor(handle: FileHandle, from: number, limit: number) {
    this.#handle = handle;
    this.#limit = limit;
    this.position = from;
    this.#bufferStart = from;
  }

  /**
   * The next frame if it is already in the buffer: its payload, 'end' exactly at the limit, 'damaged' (torn
   * or corrupt, without moving), or undefined when more must be read first. Synchronous, so that reading
   * 100k small frames costs one await per buffer refill rather than one per frame.
   */
  nextBuffered(): Uint8Array | 'end' | 'damaged' | undefined {
    if (this.position === this.#limit) return 'end';
    if (!this.#has(this.position, frameHeaderBytes)) return undefined;
    const length = this.#buffer.readUInt32LE(this.position - this.#bufferStart + 4);
    if (length === 0 || length > maxFrameBytes || this.position + frameHeaderBytes + length > this.#limit) return 'damaged';
    if (!this.#has(this.position, frameHeaderBytes + length)) return undefined;
    const payload = this.#intactPayloadAt(this.position - this.#bufferStart, length);
    if (payload === null) return 'damaged';
    this.position += frameHeaderBytes + length;
    return payload;
  }

  /** Moves on to `position`, the start of a later frame (the buffer only moves forward). */
  skipTo(position: number): void {
    if (position < this.position) throw new RangeError(`A frame reader moves forward only: at byte ${this.position}, asked for ${position}.`);
    this.position = position;
  }

  /** As nextBuffered, reading more from the file when needed. */
  async next(): Promise<Uint8Array | 'end' | 'damaged'> {
    const buffered = this.nextBuffered();
    if (buffered !== undefined) return buffered;
    if (!(await this.#fill(this.position, frameHeaderBytes))) return 'damaged';
    const length = this.#buffer.readUInt32LE(this.position - this.#bufferStart + 4);
    if (length > 0 && length <= maxFrameBytes && !(await this.#fill(this.position, frameHeaderBytes + length))) return 'damaged';
    return this.nextBuffered() ?? 'damaged';
  }

  /**
   * After 'damaged': tells damage that must be kept as evidence from a torn tail that may be cut. A crash
   * leaves at most the last write unfinished, and a prefix of it: so damage that starts further from the end
   * than one write, intact frames after the damage, or a last frame whose length fits the file exactly but
   * whose checksum fails, all mean bytes that changed after they were written.
   */
  async isDamageInTheMiddle(): Promise<boolean> {
    const damagedAt = this.position;
    const tailBytes = this.#limit - damagedAt;
    if (tailBytes > maxWriteBytes) return true;
    if (!(await this.#fill(damagedAt, tailBytes))) return false; // the file shrank under us: nothing to keep
    const start = damagedAt - this.#bufferStart;
    return holdsWrittenFrames(this.#buffer.subarray(start, start + tailBytes));
  }

  #intactPayloadAt(offset: number, length: number): Uint8Array | null {
    const buffer = this.#buffer;
    if (crc32(buffer.subarray(offset + 4, offset + frameHeaderBytes + length)) !== buffer.readUInt32LE(offset)) return null;
    return new Uint8Array(buffer.buffer, buffer.byteOffset + offset + frameHeaderBytes, length);
  }

  #has(at: number, count: number): boolean {
    return at >= this.#bufferStart && at + count <= this.#bufferStart + this.#bufferLength;
  }

  /** Makes bytes [at, at + count) available in the buffer; false if they lie past the limit. Only moves forward. */
  async #fill(at: number, count: number): Promise<boolean> {
    if (at + count > this.#limit) return false;
    if (this.#has(at, count)) return true;
    const bufferEnd = this.#bufferStart + this.#bufferLength;
    const kept = at < bufferEnd ? bufferEnd - at : 0;
    const previous = this.#buffer;
    if (count > previous.length) this.#buffer = Buffer.allocUnsafe(count); // a frame bigger than a chunk
    if (kept > 0) previous.copy(this.#buffer, 0, at - this.#bufferStart, this.#bufferLength); // copy() allows overlap
    this.#bufferStart = at;
    this.#bufferLength = kept;
    while (this.#bufferLength < count) {
      const from = this.#bufferStart + this.#bufferLength;
      const want = Math.min(this.#buffer.length - this.#bufferLength, this.#limit - from);
      const { bytesRead } = await this.#handle.read(this.#buffer, this.#bufferLength, want, from);
      if (bytesRead === 0) return false; // the file got shorter than it was when we looked
      this.#bufferLength += bytesRead;
    }
    return true;
  }
}

/**
 * Sets the damaged file aside as evidence and writes the log anew from its frames before `damagedAt` and the
 * intact frames found after it (up to `size`), under a new log id; closes `handle` and returns one of the new file.
 */
async function rebuildWithoutDamage(
  path: string,
  handle: FileHandle,
  damagedAt: number,
  size: number,
): Promise<{ handle: FileHandle; logId: string; end: number; keptAfterDamage: number; recovery: LogRecovery }> {
  const tail = Buffer.allocUnsafe(size - damagedAt);
  for (let read = 0; read < tail.length; ) {
    const { bytesRead } = await handle.read(tail, read, tail.length - read, damagedAt + read);
    if (bytesRead === 0) throw new StorageError('LOG_UNREADABLE', `The envelope log ${path} ended at byte ${damagedAt + read} while being repaired.`);
    read += bytesRead;
  }
  const kept = intactFramesAfterDamage(tail).map(([from, to]): [number, number] => [damagedAt + from, damagedAt + to]);
  await handle.close();
  const evidencePath = await setAsideDamaged(path);
  const logId = await writeFreshLog(path, evidencePath, [[headerBytes, damagedAt], ...kept]);
  const keptBytes = kept.reduce((sum, [from, to]) => sum + to - from, 0);
  const end = damagedAt + keptBytes;
  return {
    handle: await open(path, 'r+'),
    logId,
    end,
    keptAfterDamage: kept.length,
    recovery: { outcome: 'corrupt', resumed: false, droppedBytes: size - end, damagedAt, evidencePath, keptAfterDamage: kept.length },
  };
}

/** The byte length of the intact frame at `at` (header and payload), or null. */
function intactFrameAt(bytes: Buffer, at: number): number | null {
  if (at + frameHeaderBytes > bytes.length) return null;
  const length = bytes.readUInt32LE(at + 4);
  if (length === 0 || length > maxFrameBytes || at + frameHeaderBytes + length > bytes.length) return null;
  if (crc32(bytes.subarray(at + 4, at + frameHeaderBytes + length)) !== bytes.readUInt32LE(at)) return null;
  return frameHeaderBytes + length;
}

/** The ranges [from, to) of the intact frames in a damaged tail (one that starts with a damaged frame). */
function intactFramesAfterDamage(tail: Buffer): Array<[number, number]> {
  const kept: Array<[number, number]> = [];
  let at = 0;
  while (at < tail.length) {
    const intact = intactFrameAt(tail, at);
    if (intact !== null) {
      kept.push([at, at + intact]);
      at += intact;
      continue;
    }
    // A length field that leads exactly to an intact frame or the end is taken as undamaged: only this frame goes.
    const length = at + frameHeaderBytes <= tail.length ? tail.readUInt32LE(at + 4) : 0;
    const next = at + frameHeaderBytes + length;
    if (length > 0 && length <= maxFrameBytes && (next === tail.length || (next < tail.length && intactFrameAt(tail, next) !== null))) {
      at = next;
      continue;
    }
    // The length is damaged too: resume at the next offset where an intact frame starts, if any.
    const found = nextWrittenFrame(tail, at + 1);
    at = found < 0 ? tail.length : found;
  }
  return kept;
}

/** Whether the damaged tail of a log (starting with the damaged frame) holds frames that were once written whole. */
function holdsWrittenFrames(tail: Buffer): boolean {
  if (tail.length >= frameHeaderBytes) {
    const length = tail.readUInt32LE(4);
    if (length > 0 && frameHeaderBytes + length === tail.length) return true;
  }
  return nextWrittenFrame(tail, 1) >= 0;
}

/** The first offset from `from` on where a frame once written whole starts (its checksum holds), or -1. */
function nextWrittenFrame(tail: Buffer, from: number): number {
  for (let at = from; at + frameHeaderBytes < tail.length; at++) {
    const length = tail.readUInt32LE(at + 4);
    if (length === 0 || length > maxFrameBytes) continue;
    const end = at + frameHeaderBytes + length;
    if (end > tail.length || !mayStartFrame(tail, end)) continue; // cheap tests first: most random bytes fail them
    if (crc32(tail.subarray(at + 4, end)) === tail.readUInt32LE(at)) return at;
  }
  return -1;
}

/** True at the end of the tail, before a header cut short, or before a header with a possible length. */
function mayStartFrame(tail: Buffer, at: number): boolean {
  if (tail.length - at < frameHeaderBytes) return true;
  const length = tail.readUInt32LE(at + 4);
  return length > 0 && length <= maxFrameBytes;
}

async function openExisting(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function readHeader(handle: FileHandle, path: string, size: number): Promise<string> {
  const header = Buffer.alloc(headerBytes);
  if (size >= headerBytes) await handle.read(header, 0, headerBytes, 0);
  const unreadable = (reason: string, hint: string) => new StorageError('LOG_UNREADABLE', `The envelope log ${path} ${reason}.`, hint);
  // The node then no longer holds the DAO, and no peer sends it unasked: it comes back by a join.
  const moveAside = "Stop the node and move the file aside; once it runs again, join the DAO again with an invite code from another member's node: it receives the whole history.";
  if (size < headerBytes || !header.subarray(0, magic.length).equals(magic)) throw unreadable('is not an envelope log', moveAside);
  if (crc32(header.subarray(0, headerBytes - 4)) !== header.readUInt32LE(headerBytes - 4)) throw unreadable('has a damaged header', moveAside);
  const version = header.readUInt32LE(8);
  if (version !== formatVersion) throw unreadable(`was written in format ${version}, which this version cannot read`, 'Update DAOmesh.');
  return header.subarray(12, 28).toString('hex');
}

function encodeHeader(logId: Buffer): Buffer {
  const header = Buffer.alloc(headerBytes);
  magic.copy(header, 0);
  header.writeUInt32LE(formatVersion, 8);
  logId.copy(header, 12);
  header.writeUInt32LE(crc32(header.subarray(0, headerBytes - 4)), headerBytes - 4);
  return header;
}

function rebuildPath(path: string): string {
  return `${path}.rebuild.tmp`;
}

/**
 * Writes a new header under a new log id, then the byte ranges of `source` if given (whole frames, in order),
 * and puts the file in place atomically: a crash leaves either the old file or the complete new one.
 */
async function writeFreshLog(path: string, source: string | null, ranges: ReadonlyArray<readonly [number, number]>): Promise<string> {
  await mkdirDurable(dirname(path));
  const logId = randomBytes(16);
  const temporary = rebuildPath(path);
  const out = await open(temporary, 'w', 0o600);
  try {
    await writeAll(out, encodeHeader(logId), 0);
    let at = headerBytes;
    if (source !== null) {
      for (const [from, to] of ranges) {
        await copyRange(source, out, from, to, at);
        at += to - from;
      }
    }
    await out.sync();
  } finally {
    await out.close();
  }
  await rename(temporary, path);
  await syncDirectory(dirname(path));
  return logId.toString('hex');
}

/** Copies bytes [from, to) of `source` to `out` at `outAt`. */
async function copyRange(source: string, out: FileHandle, from: number, to: number, outAt: number): Promise<void> {
  const input = await open(source, 'r');
  try {
    const chunk = Buffer.allocUnsafe(readChunkBytes);
    for (let at = from; at < to; ) {
      const { bytesRead } = await input.read(chunk, 0, Math.min(chunk.length, to - at), at);
      if (bytesRead === 0) throw new Error(`${source} ended at ${at}, before ${to}`);
      await writeAll(out, chunk.subarray(0, bytesRead), outAt + at - from);
      at += bytesRead;
    }
  } finally {
    await input.close();
  }
}

/** Keeps the damaged file, as it is, under `<path>.corrupt-<time>`, by a hard link so the log itself stays in place until replaced. */
async function setAsideDamaged(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt++) {
    const evidence = attempt === 0 ? `${path}.corrupt-${stamp}` : `${path}.corrupt-${stamp}-${attempt}`;
    try {
      await link(path, evidence);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
      await copyFile(path, evidence); // file systems without hard links
    }
    await syncDirectory(dirname(path));
    return evidence;
  }
}
