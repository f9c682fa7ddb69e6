// One catch-up sync session for one DAO between two peers, over one libp2p stream (DESIGN.md §5): compare the
// envelope ids each holds (range reconciliation), then each sends what the other lacks, in the order it
// accepted them so that every envelope arrives after the ones it builds on. Bounded frames, a timeout on
// every read, write and close, a time limit on the whole session, no envelope taken that was not asked for,
// back-pressure from the stream; whatever the peer sends goes through the store's gate.
import { hash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Stream } from '@libp2p/interface';
import { byteStream, type ByteStream } from '@libp2p/utils';
import { IdSet } from '../core/sync/id-set.ts';
import { RangeReconciler, ReconcileError, type ReconcileMessage } from '../core/sync/range-reconcile.ts';
import {
  decodeSyncMessage,
  encodeSyncMessage,
  envelopeFrames,
  maxHandshakeFrameBytes,
  maxHelloFrameBytes,
  maxRangesFrameBytes,
  maxSyncFrameBytes,
  SyncProtocolError,
  syncProtocolVersion,
  type SharedPeer,
  type SyncMessage,
  type SyncRefusalCode,
} from '../core/sync/sync-messages.ts';
import { recordHashFromId, recordIdFromHash } from '../core/ledger/record.ts';
import { maxStreamWindowBytes } from './mesh-node.ts';

export const daoSyncProtocol = '/daomesh/dao-sync/1.0.0';

/**
 * 'conflicting': refused, but signed by a member of the DAO as this node counts them, for what it does to this
 * node's copy (a member's equivocation, or what they built on it): the member's doing, not the sender's.
 */
export type AcceptOutcome = 'accepted' | 'held' | 'rejected' | 'conflicting';

/** What a sync session needs from the node that holds the DAO (the host's DaoService in the app). */
export type DaoSyncStore = {
  /**
   * May this peer sync this DAO with us? Decided from the connection's authenticated peer id, or from the
   * invite code it showed (which the store remembers for that peer while it is valid).
   */
  mayServe(dao: string, peer: string, invite?: Uint8Array): { ok: true } | { ok: false; code: SyncRefusalCode; message: string };
  /** The 32-byte ids (hashes) of every envelope held for the DAO. */
  envelopeIds(dao: string): Uint8Array[] | Promise<Uint8Array[]>;
  /** The envelopes with these ids, in the order they were accepted here. */
  envelopes(dao: string, ids: readonly Uint8Array[]): AsyncIterable<Uint8Array>;
  /** Gate, store and apply one envelope from `peer`. */
  accept(dao: string, envelope: Uint8Array, peer: string): Promise<AcceptOutcome>;
  /** The same for a frame's envelopes at once, in order (one write to disk instead of one each); optional. */
  acceptMany?(dao: string, envelopes: readonly Uint8Array[], peer: string): Promise<AcceptOutcome[]>;
};

export type SyncProgress = { dao: string; peer: string; received: number; expected: number };

/** How long a peer may keep a session waiting; a peer that goes past any of them loses the session. */
export type SyncTimeouts = {
  /**
   * How long the peer may leave a frame we wait for without sending any of it, in ms: the wait starts again with
   * every chunk of the frame that arrives, so a large frame on a slow link goes on and a peer that went quiet is
   * cut off.
   */
  readTimeoutMs?: number;
  /**
   * How long the peer may leave a frame we send (or, at close, the last ones) without making room for it, in
   * ms: the wait starts again with every window update it grants, so a slow link goes on and a peer that
   * stopped reading is cut off. Defaults to the read timeout.
   */
  writeTimeoutMs?: number;
  /** The whole session, in ms (defaultSessionTimeoutMs). */
  sessionTimeoutMs?: number;
};

export const defaultReadTimeoutMs = 20_000;
/**
 * A large DAO's whole history fits in one session: 100k envelopes of ~0.5 KiB (~50 MB, a fifth less deflated)
 * take under a minute to send and verify on a LAN (the gate takes ~4,000-6,000 a second with its log) and about
 * six minutes over a 1 Mbit/s link. Past it the session ends; nothing is lost (what arrived is kept) and the
 * next session takes up the rest (a join starts it at once, DaoSync.joinVia). Without a limit, a peer trickling
 * bytes just inside the read timeout would hold this node's one session for the DAO for as long as it liked.
 */
export const defaultSessionTimeoutMs = 10 * 60_000;

/**
 * Envelopes a peer may send that this node refuses in one session, while they are not fewer than those it took.
 * Not counting those a member signed ('conflicting'): an honest node sends what its gate took.
 */
export const maxRefusedPerSession = 256;

export type SyncSessionOptions = SyncTimeouts & {
  signal?: AbortSignal;
  /** An invite code's bytes, shown in the hello by a device that is not yet one of the DAO's nodes. */
  invite?: Uint8Array;
  onProgress?: (progress: SyncProgress) => void;
  /** Responder: the DAO's other nodes it is connected to, shared in the welcome so the initiator can reach them. */
  sharePeers?: (dao: string, requester: string) => SharedPeer[] | Promise<SharedPeer[]>;
  /**
   * Responder: claims the (DAO, peer) pair for this session, or refuses it as BUSY with the reason, which the
   * peer is told. The function returned is called when the session ends, with the error that ended it (null
   * when it completed).
   */
  beginServing?: (dao: string, peer: string) => ((ending: Error | null) => void) | { busy: string };
  /** Every frame's bytes as it crosses, refused and broken sessions included; `envelopes`: a frame of envelopes. */
  onBytes?: (direction: 'in' | 'out', bytes: number, envelopes: boolean) => void;
  /** Initiator: the nodes the responder shared. */
  onPeers?: (dao: string, peers: readonly SharedPeer[]) => void;
  /** Responder: why a session failed (serveSync itself never throws). */
  onError?: (error: Error) => void;
  /**
   * Once a session past the hello ends, however it ended: what it did (a session cut short keeps what it
   * accepted), and the error that ended it (null when it completed).
   */
  onEnd?: (report: SyncReport, ending: Error | null) => void;
};

export type SyncReport = {
  dao: string;
  peer: string;
  sent: number;
  received: number;
  accepted: number;
  rejected: number;
  bytesIn: number;
  bytesOut: number;
  /** Reconciliation messages exchanged. */
  rounds: number;
};

/** The peer refused the session (not a member, unknown DAO, busy). */
export class SyncRefusedError extends Error {
  readonly code: SyncRefusalCode;
  constructor(code: SyncRefusalCode, message: string) {
    super(message);
    this.name = 'SyncRefusedError';
    this.code = code;
  }
}

/** The peer kept the session waiting too long (see SyncTimeouts). */
export class SyncTimeoutError extends Error {
  /** The wait that ran out: for a frame, for the peer to take one (or, at close, the last ones), or the session's time limit. */
  readonly deadline: 'read' | 'write' | 'close' | 'session';
  /** Initiator: what the session had done by then (what arrived is kept), so a caller can tell whether it got anywhere. */
  report: SyncReport | null = null;
  constructor(message: string, deadline: SyncTimeoutError['deadline']) {
    super(message);
    this.name = 'SyncTimeoutError';
    this.deadline = deadline;
  }
}

/** Runs a session as the initiator on a stream already opened with `daoSyncProtocol`. */
export async function initiateSync(stream: Stream, dao: string, peer: string, store: DaoSyncStore, options: SyncSessionOptions = {}): Promise<SyncReport> {
  const wire = new SyncWire(stream, options, 'initiator');
  const report = emptyReport(dao, peer);
  let welcomed = false;
  try {
    await wire.write({ t: 'hello', v: syncProtocolVersion, dao: recordHashFromId(dao), ...(options.invite ? { invite: options.invite } : {}) });
    const answer = await wire.read();
    if (answer.t === 'refuse') throw new SyncRefusedError(answer.code, answer.message);
    if (answer.t !== 'welcome') throw new SyncProtocolError(`Expected welcome, got ${answer.t}.`);
    welcomed = true;
    wire.begin();
    if (answer.peers && answer.peers.length > 0) options.onPeers?.(dao, answer.peers);
    await exchange(wire, 'initiator', store, options, report);
    await wire.close();
  } catch (error) {
    const failure = asError(error);
    stream.abort(failure);
    const done = { ...report, bytesIn: wire.bytesIn, bytesOut: wire.bytesOut };
    if (error instanceof SyncTimeoutError) error.report = done;
    if (welcomed) options.onEnd?.(done, failure);
    throw error;
  }
  options.onEnd?.(report, null);
  return report;
}

/** Serves a session as the responder on an incoming stream. Never throws: a bad peer just loses its stream. */
export async function serveSync(stream: Stream, peer: string, store: DaoSyncStore, options: SyncSessionOptions = {}): Promise<SyncReport | null> {
  // Anyone may open these streams, 16 on each connection: until the hello is read, one holds a hello's few KB.
  const wire = new SyncWire(stream, options, 'responder');
  try {
    const hello = await wire.read();
    if (hello.t !== 'hello') throw new SyncProtocolError(`Expected hello, got ${hello.t}.`);
    if (hello.v !== syncProtocolVersion) {
      await wire.write({ t: 'refuse', code: 'BAD_REQUEST', message: `This node speaks sync version ${syncProtocolVersion}, not ${hello.v}.` });
      await wire.close();
      return null;
    }
    const dao = recordIdFromHash(hello.dao);
    const decision = store.mayServe(dao, peer, hello.invite);
    if (!decision.ok) {
      await wire.write({ t: 'refuse', code: decision.code, message: decision.message });
      await wire.close();
      return null;
    }
    const release = options.beginServing ? options.beginServing(dao, peer) : () => {};
    if (typeof release !== 'function') {
      await wire.write({ t: 'refuse', code: 'BUSY', message: release.busy });
      await wire.close();
      return null;
    }
    const report = emptyReport(dao, peer);
    try {
      const peers = ((await options.sharePeers?.(dao, peer)) ?? []).slice(0, 64).map((shared) => ({ id: shared.id, addrs: shared.addrs.slice(0, 8) }));
      wire.begin();
      await wire.write({ t: 'welcome', ...(peers.length > 0 ? { peers } : {}) });
      await exchange(wire, 'responder', store, options, report);
    } catch (error) {
      const failure = asError(error);
      release(failure);
      options.onEnd?.({ ...report, bytesIn: wire.bytesIn, bytesOut: wire.bytesOut }, failure);
      throw error;
    }
    release(null);
    options.onEnd?.(report, null);
    await wire.close();
    return report;
  } catch (error) {
    const failure = asError(error);
    stream.abort(failure);
    options.onError?.(failure);
    return null;
  }
}

/** Reconciles, then sends and receives the envelopes, counting into `report` as it goes (a broken session's count is what it did). */
async function exchange(wire: SyncWire, role: 'initiator' | 'responder', store: DaoSyncStore, options: SyncSessionOptions, report: SyncReport): Promise<void> {
  const { dao, peer } = report;
  const held = new IdSet(await store.envelopeIds(dao));
  const reconciler = new RangeReconciler(held);
  const asked = new AskedFor(held);
  // Turn by turn until one side has no ranges left to send (its message is "done").
  let outgoing: ReconcileMessage | null = role === 'initiator' ? reconciler.start() : null;
  for (;;) {
    if (outgoing !== null) {
      asked.sent(outgoing);
      await wire.write({ t: 'ranges', reconcile: outgoing });
      report.rounds++;
      if (outgoing.ranges.length === 0) break;
    }
    // No larger than an honest answer to what we sent can be: refused from its length, before it is decoded.
    const incoming = await wire.read({ maxBytes: maxRangesFrameBytes(reconciler.answerLimits) });
    if (incoming.t !== 'ranges') throw new SyncProtocolError(`Expected ranges, got ${incoming.t}.`);
    report.rounds++;
    outgoing = reconcileStep(reconciler, incoming.reconcile);
    asked.received(incoming.reconcile);
    if (outgoing === null) break;
  }

  const toSend = reconciler.toSend();
  const send = async (): Promise<void> => {
    await wire.write({ t: 'offer', n: toSend.length });
    if (toSend.length > 0) {
      let batch: Uint8Array[] = [];
      for await (const envelope of store.envelopes(dao, toSend)) {
        batch.push(envelope);
        if (batch.length >= 64) {
          for (const frame of envelopeFrames(batch)) await wire.write(frame, { pack: true });
          report.sent += batch.length;
          batch = [];
        }
      }
      for (const frame of envelopeFrames(batch)) await wire.write(frame, { pack: true });
      report.sent += batch.length;
    }
    await wire.write({ t: 'end' });
  };
  const receive = async (): Promise<void> => {
    const offer = await wire.read();
    if (offer.t !== 'offer') throw new SyncProtocolError(`Expected offer, got ${offer.t}.`);
    // Where we listed our own ids the count is the peer's to know; there each envelope's id is checked instead.
    if (!asked.listedOwnIds && offer.n > reconciler.wanted) throw new SyncProtocolError(`The peer offered ${offer.n} envelopes; this node asked for ${reconciler.wanted}.`);
    /** Refusals no member's signature stands behind: what the peer is answerable for. */
    let refusedUnsigned = 0;
    for (;;) {
      const message = await wire.read();
      if (message.t === 'end') return;
      if (message.t !== 'envelopes') throw new SyncProtocolError(`Expected envelopes, got ${message.t}.`);
      report.received += message.envelopes.length;
      if (report.received > offer.n) throw new SyncProtocolError('The peer sent more envelopes than it offered.');
      // The whole frame before any of it reaches the gate: a peer that sends what was not asked for gets nothing in.
      for (const envelope of message.envelopes) {
        if (!asked.take(hash('sha256', envelope, 'buffer'))) throw new SyncProtocolError('The peer sent an envelope this node did not ask for (or sent one twice).');
      }
      const outcomes = store.acceptMany
        ? await store.acceptMany(dao, message.envelopes, peer)
        : await sequentially(message.envelopes, (envelope) => store.accept(dao, envelope, peer));
      for (const outcome of outcomes) {
        if (outcome === 'accepted') report.accepted++;
        else if (outcome === 'rejected' || outcome === 'conflicting') report.rejected++;
        if (outcome === 'rejected') refusedUnsigned++;
      }
      // Where this side listed its own ids, any id there passes AskedFor: a peer could fill the session with
      // envelopes the gate refuses, each costing a check. An honest peer sends what its own gate took, which
      // here may conflict with what this node holds only by a member's doing: hundreds of envelopes a member
      // built on their own equivocation ended every session between honest nodes that took either side of it.
      if (refusedUnsigned > maxRefusedPerSession && refusedUnsigned > report.accepted) {
        throw new SyncProtocolError(`The peer sent ${refusedUnsigned} envelopes this node refused, more than it took; the session ends.`);
      }
      options.onProgress?.({ dao, peer, received: report.received, expected: offer.n });
    }
  };
  await Promise.all([send(), receive()]);
  report.bytesIn = wire.bytesIn;
  report.bytesOut = wire.bytesOut;
}

function emptyReport(dao: string, peer: string): SyncReport {
  return { dao, peer, sent: 0, received: 0, accepted: 0, rejected: 0, bytesIn: 0, bytesOut: 0, rounds: 0 };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * What this side asked the peer for, read off the reconciliation messages as they cross: the ids it wanted from
 * the peer's lists, and the ranges where it listed its own ids (there the peer sends whatever it holds that the
 * list lacks, a number this side cannot know). Without it, a peer answering such a list could send any number
 * of envelopes until the session's time limit.
 */
class AskedFor {
  readonly #held: IdSet;
  /** Ids wanted from the peer's lists (base64url), each until it arrives. */
  readonly #wanted = new Set<string>();
  /**
   * [lower, upper) of each run of ranges where we listed our own ids, one entry for ranges side by side. Disjoint:
   * a listed range is settled, and the reconciler refuses a peer's range outside those we still asked about. So
   * at most one entry per list this node sent, however the peer answers: its bounds as byte strings (latin1,
   * which sorts as the bytes do), a few dozen bytes each, not views that keep the peer's decoded frames alive.
   */
  #listed: { lower: string; upper: string | null }[] = [];
  /** Whether #listed is in order of `lower`, runs merged (done once, when the envelopes start to arrive). */
  #sorted = true;
  /** Ids that arrived in those ranges: each is taken once. */
  readonly #arrived = new Set<string>();
  /** The ids the peer's last message listed, in order: what the want bits of our answer name. */
  #theirList: readonly Uint8Array[] = [];

  constructor(held: IdSet) {
    this.#held = held;
  }

  get listedOwnIds(): boolean {
    return this.#listed.length > 0;
  }

  /** Our message: its want bits ask for ids of the peer's last list; each list of our ids opens a range to the peer. */
  sent(message: ReconcileMessage): void {
    for (let bit = 0; bit < message.want.length * 8 && bit < this.#theirList.length; bit++) {
      if ((message.want[bit >> 3]! & (1 << (bit & 7))) !== 0) this.#wanted.add(recordIdFromHash(this.#theirList[bit]!));
    }
    let lower: Uint8Array = new Uint8Array(0);
    let run: { lower: string; upper: string | null } | null = null;
    for (const range of message.ranges) {
      if (range.mode !== 'ids') run = null;
      else {
        const upper = range.upper === null ? null : boundKey(range.upper);
        if (run !== null) run.upper = upper;
        else {
          run = { lower: boundKey(lower), upper };
          this.#listed.push(run);
          this.#sorted = false;
        }
      }
      if (range.upper !== null) lower = range.upper;
    }
  }

  /** The peer's message (already checked by the reconciler). */
  received(message: ReconcileMessage): void {
    this.#theirList = message.ranges.flatMap((range) => (range.mode === 'ids' ? range.ids : []));
  }

  /** An arriving envelope's id: true if it was asked for and has not come before. */
  take(id: Uint8Array): boolean {
    const key = recordIdFromHash(id);
    if (this.#wanted.delete(key)) return true;
    if (this.#arrived.has(key) || this.#held.has(id) || !this.#inListedRange(id)) return false;
    this.#arrived.add(key);
    return true;
  }

  /** Binary search: a large difference lists thousands of ranges, and every arriving envelope is looked up. */
  #inListedRange(id: Uint8Array): boolean {
    if (!this.#sorted) {
      this.#listed = mergedRuns(this.#listed.sort((a, b) => (a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : 0)));
      this.#sorted = true;
    }
    const key = boundKey(id);
    // The last range starting at or below the id is the only one that can hold it.
    let low = 0;
    let high = this.#listed.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#listed[middle]!.lower <= key) low = middle + 1;
      else high = middle;
    }
    const range = this.#listed[low - 1];
    return range !== undefined && (range.upper === null || key < range.upper);
  }
}

/** A bound's (or an id's) bytes as a string that compares as they do: latin1 maps each byte to one code unit. */
function boundKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Sorted ranges with those that touch (one's upper the next's lower, listed in different rounds) made one. */
function mergedRuns(sorted: readonly { lower: string; upper: string | null }[]): { lower: string; upper: string | null }[] {
  const merged: { lower: string; upper: string | null }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.upper === range.lower) last.upper = range.upper;
    else merged.push({ ...range });
  }
  return merged;
}

async function sequentially<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}

function reconcileStep(reconciler: RangeReconciler, message: ReconcileMessage): ReconcileMessage | null {
  try {
    return reconciler.receive(message);
  } catch (error) {
    if (error instanceof ReconcileError) throw new SyncProtocolError(error.message);
    throw error;
  }
}

/** What a peer may still send after this node pauses a stream: yamux's largest receive window (mesh-node.ts). */
const streamWindowBytes = maxStreamWindowBytes;
/** The longest length prefix of a frame (a varint; 4 bytes hold up to 2^28 - 1, past the frame cap). */
const maxPrefixBytes = 4;

/**
 * Length-prefixed sync messages on a stream, bytes counted both ways. Every read, write and close has a
 * timeout, and all of them the session's time limit.
 *
 * Reading has back-pressure: the stream is paused once a whole frame's worth is unread, and resumed when a read
 * brings it below that. A peer sending faster than this node reads (the gate is slower than a LAN) is held back
 * instead of filling memory. Until the session begins (begin()), frames are handshake-sized and nothing may
 * arrive past one; the responder reads the hello under a hello's size, whole within the read timeout: a peer not
 * yet let in cannot make this node hold more, nor hold it for longer by trickling.
 */
class SyncWire {
  readonly #stream: Stream;
  readonly #bytes: ByteStream<Stream>;
  /** The caller's: the node is stopping. */
  readonly #signal: AbortSignal | undefined;
  readonly #sessionDeadline: AbortSignal;
  readonly #sessionTimeoutMs: number;
  readonly #readTimeoutMs: number;
  readonly #writeTimeoutMs: number;
  readonly #onBytes: SyncSessionOptions['onBytes'];
  #frameCap: number;
  /** Responder: whether the hello is still to be read whole within the read timeout (until begin()). */
  #readsHello: boolean;
  /** What may arrive past a frame read ahead: nothing before the session, a window in flight after it pauses. */
  #inFlightRoom = 0;
  /** Bytes arrived and not yet read as whole frames. */
  #unread = 0;
  /** While resume() hands over what arrived paused: pausing inside it would leave yamux granting window. */
  #resuming = false;
  /** Why the stream was ended for bytes past the limit: the next read throws it rather than read on in what was buffered. */
  #overrun: SyncProtocolError | null = null;
  /** Set when this side closes: the peer has sent its last frame, and anything more from it ends the stream. */
  #closing = false;
  bytesIn = 0;
  bytesOut = 0;

  constructor(stream: Stream, options: SyncSessionOptions, role: 'initiator' | 'responder') {
    this.#stream = stream;
    this.#frameCap = role === 'responder' ? maxHelloFrameBytes : maxHandshakeFrameBytes;
    this.#readsHello = role === 'responder';
    // Its own cap is fixed at the session's; the listener below holds the handshake to less.
    this.#bytes = byteStream(stream, { maxBufferSize: maxPrefixBytes + maxSyncFrameBytes + streamWindowBytes });
    stream.addEventListener('message', (event) => this.#arrived(event.data.byteLength));
    this.#signal = options.signal;
    this.#sessionTimeoutMs = options.sessionTimeoutMs ?? defaultSessionTimeoutMs;
    this.#sessionDeadline = AbortSignal.timeout(this.#sessionTimeoutMs);
    this.#readTimeoutMs = options.readTimeoutMs ?? defaultReadTimeoutMs;
    this.#writeTimeoutMs = options.writeTimeoutMs ?? this.#readTimeoutMs;
    this.#onBytes = options.onBytes;
  }

  /** The peer is let in (welcomed): frames up to the cap, read ahead, and a window's worth in flight when paused. */
  begin(): void {
    this.#frameCap = maxSyncFrameBytes;
    this.#readsHello = false;
    this.#inFlightRoom = streamWindowBytes;
    // While paused, what was in flight waits in the stream itself (4 MiB by default, less than the window).
    this.#stream.maxReadBufferLength = streamWindowBytes;
  }

  /** The next message; `maxBytes`: a cap below the session's for this frame (an answer to what we sent). */
  async read(options: { maxBytes?: number } = {}): Promise<SyncMessage> {
    const frame = await this.#bounded('read', (signal) => this.#readFrame(signal, Math.min(this.#frameCap, options.maxBytes ?? Infinity)));
    this.bytesIn += frame.byteLength;
    const message = decodeSyncMessage(frame);
    this.#onBytes?.('in', frame.byteLength, message.t === 'packed');
    if (message.t !== 'packed') return message;
    let inner: Uint8Array;
    try {
      // Bounded: a small frame must not inflate into more than a frame may hold.
      inner = inflateRawSync(message.z, { maxOutputLength: maxSyncFrameBytes });
    } catch {
      throw new SyncProtocolError('A packed frame does not inflate (or inflates past the frame cap).');
    }
    const unpacked = decodeSyncMessage(inner);
    if (unpacked.t !== 'envelopes') throw new SyncProtocolError('Only envelopes travel packed.');
    return unpacked;
  }

  async write(message: SyncMessage, options: { pack?: boolean } = {}): Promise<void> {
    let bytes = encodeSyncMessage(message);
    if (options.pack) bytes = encodeSyncMessage({ t: 'packed', z: deflateRawSync(bytes) });
    this.bytesOut += bytes.length;
    this.#onBytes?.('out', bytes.length, options.pack === true);
    const frame = lengthPrefixed(bytes);
    await this.#bounded('write', (signal) => this.#bytes.write(frame, { signal }));
  }

  /**
   * Closes our end once the peer has taken what we sent, then waits for the peer to close its own. An honest peer
   * closes as soon as it has read ours, having sent all it had; one that did not kept the stream (16 a connection)
   * and whatever it sent after its last frame, for as long as the connection lasted. It is reset at the write
   * timeout, or at the first byte it sends: the session's outcome stands either way.
   */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#bounded('close', (signal) => this.#stream.close({ signal }));
    if (this.#stream.status !== 'open' && this.#stream.status !== 'closing') return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#stream.removeEventListener('close', done);
        this.#signal?.removeEventListener('abort', reset);
        resolve();
      };
      const reset = (): void => {
        this.#stream.abort(new SyncProtocolError(`The peer did not close its end of the stream within ${seconds(this.#writeTimeoutMs)} of the session's end.`));
        done();
      };
      const timer = setTimeout(reset, this.#writeTimeoutMs);
      timer.unref();
      this.#stream.addEventListener('close', done);
      this.#signal?.addEventListener('abort', reset);
    });
  }

  /** One frame: its length (refused past the cap before any of it is waited for), then its bytes. */
  async #readFrame(signal: AbortSignal, frameCap: number): Promise<Uint8Array> {
    if (this.#overrun) throw this.#overrun;
    let length = 0;
    let prefixBytes = 0;
    for (;;) {
      const byte = (await this.#bytes.read({ bytes: 1, signal })).get(0);
      length += (byte & 0x7f) * 2 ** (7 * prefixBytes++);
      if ((byte & 0x80) === 0) break;
      if (prefixBytes === maxPrefixBytes) throw new SyncProtocolError(`A frame's length prefix runs past ${maxPrefixBytes} bytes.`);
    }
    if (length > frameCap) {
      const which = this.#inFlightRoom === 0 ? ' before the session begins' : frameCap < this.#frameCap ? ' for an answer to what this node asked' : '';
      throw new SyncProtocolError(`The peer sent a frame of ${length} bytes, over the ${frameCap}-byte cap${which}.`);
    }
    const frame = length === 0 ? new Uint8Array(0) : (await this.#bytes.read({ bytes: length, signal })).subarray();
    this.#unread -= prefixBytes + length;
    this.#resumeIfBehind();
    return frame;
  }

  /** Read ahead of the frame being read until this much is unread: then the next frame is here, however large. */
  get #readAhead(): number {
    return maxPrefixBytes + this.#frameCap;
  }

  #arrived(bytes: number): void {
    if (this.#overrun) return;
    if (this.#closing) {
      // After the peer's last frame (its end, or its hello before a refusal): nothing an honest peer sends.
      const overrun = new SyncProtocolError('The peer sent more after its last frame.');
      this.#overrun = overrun;
      queueMicrotask(() => this.#stream.abort(overrun));
      return;
    }
    this.#unread += bytes;
    if (this.#unread > this.#readAhead + this.#inFlightRoom) {
      // An honest peer cannot: it sends within the window, and before the session one frame at a time.
      const overrun = new SyncProtocolError(`The peer sent ${this.#unread} bytes ahead of what this node read, more than the ${this.#readAhead + this.#inFlightRoom} it may.`);
      this.#overrun = overrun;
      // After the current dispatch, as the byte stream does with its own overflow.
      queueMicrotask(() => this.#stream.abort(overrun));
      return;
    }
    if (!this.#resuming) this.#pauseIfAhead();
  }

  #pauseIfAhead(): void {
    if (this.#unread >= this.#readAhead && this.#stream.readStatus === 'readable') this.#stream.pause();
  }

  #resumeIfBehind(): void {
    if (this.#unread >= this.#readAhead || this.#stream.readStatus !== 'paused') return;
    this.#resuming = true;
    try {
      this.#stream.resume();
    } finally {
      this.#resuming = false;
    }
    // What arrived while paused may be a frame ahead already.
    this.#pauseIfAhead();
  }

  /**
   * Runs one step under its timeout and the session's limit, and says which ran out. The timeout starts again
   * whenever the peer shows it is slow, not gone: a read's with each chunk of bytes that arrives ('message'), a
   * write's or close's with each window update it grants ('drain'). Not the responder's read of the hello: it
   * is a few KB, and a peer not let in yet that trickled it would hold the stream to the session's limit.
   */
  async #bounded<T>(step: 'read' | 'write' | 'close', run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const timeoutMs = step === 'read' ? this.#readTimeoutMs : this.#writeTimeoutMs;
    const progressEvent = step === 'read' ? 'message' : 'drain';
    const whole = step === 'read' && this.#readsHello;
    const stalled = new AbortController();
    const timer = setTimeout(() => stalled.abort(), timeoutMs);
    timer.unref();
    const onProgress = (): void => {
      timer.refresh();
    };
    if (!whole) this.#stream.addEventListener(progressEvent, onProgress);
    try {
      const signal = AbortSignal.any([...(this.#signal ? [this.#signal] : []), this.#sessionDeadline, stalled.signal]);
      // A read whose bytes are here already, or a write with room for it, never looks at the signal: past the
      // limit (the node took its time with what came before), the session ends anyway. Not a close: by then
      // everything has been exchanged.
      if (step !== 'close') signal.throwIfAborted();
      return await run(signal);
    } catch (error) {
      if (this.#signal?.aborted) throw error;
      if (this.#sessionDeadline.aborted) throw new SyncTimeoutError(`The session ran past its ${seconds(this.#sessionTimeoutMs)} limit; the next one takes up where it stopped.`, 'session');
      if (stalled.signal.aborted) {
        if (whole) throw new SyncTimeoutError(`The peer's hello did not arrive whole within ${seconds(timeoutMs)}.`, step);
        throw new SyncTimeoutError(step === 'read' ? `The peer sent nothing for ${seconds(timeoutMs)}.` : `The peer took nothing this node sent for ${seconds(timeoutMs)} (it stopped reading).`, step);
      }
      throw streamError(error);
    } finally {
      clearTimeout(timer);
      this.#stream.removeEventListener(progressEvent, onProgress);
    }
  }
}

/**
 * The frame after its length as an unsigned varint (libp2p's length-prefixed framing), in one buffer: one send,
 * as the peer's window grows with every piece that arrives. Exported for tests that play a peer byte by byte.
 */
export function lengthPrefixed(frame: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let length = frame.length;
  for (; length >= 0x80; length = Math.floor(length / 0x80)) prefix.push((length & 0x7f) | 0x80);
  prefix.push(length);
  const bytes = new Uint8Array(prefix.length + frame.length);
  bytes.set(prefix);
  bytes.set(frame, prefix.length);
  return bytes;
}

/** A write waiting for room is rejected with the stream's close event, not an error: say what happened. */
function streamError(error: unknown): Error {
  // libp2p's words for it ("Unexpected EOF - read 12/345 bytes before the stream closed") say nothing to a user.
  if (error instanceof Error && error.name === 'UnexpectedEOFError') {
    return new Error('The peer closed the stream in the middle of a message (it went away, or ended the session at its time limit).', { cause: error });
  }
  if (error instanceof Error) return error;
  const cause = (error as { error?: unknown } | null)?.error;
  return cause instanceof Error ? cause : new Error('The stream closed while this node was sending (the peer went away or reset it).');
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
