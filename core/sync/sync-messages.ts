// The catch-up sync protocol's messages (DESIGN.md §5): one DAG-CBOR map per length-prefixed frame.
//
//   initiator → hello { dao, invite? }              responder → welcome { peers? } | refuse { code, message }
//   then reconciliation (range-reconcile.ts), turn by turn:   ranges { r, w } …  until one side sends no ranges
//   then both at once:                              offer { n } envelopes { e: [bytes…] } … end { }
//   (envelopes travel packed { z: deflate-raw of the envelopes message }: about a fifth smaller)
//
// Who may sync is decided by the responder from the connection's authenticated peer id (Noise proved it): a
// node some member named in their device delegation; or a new device that shows an invite code in its hello. Everything decoded here is untrusted: a frame that is not
// exactly one of these shapes is a SyncProtocolError, and the session ends.
import * as dagCbor from '@ipld/dag-cbor';
import { z } from 'zod';
import { fingerprintBytes, idBytes } from './id-set.ts';
import type { AnswerLimits, RangeItem, ReconcileMessage } from './range-reconcile.ts';

/** 2: wants are a bitmap over the ids just listed, and a range's ids travel as one byte string. */
export const syncProtocolVersion = 2;
/** A frame carries at most this much: one large envelope (1 MiB update) fits, with room for the framing. */
export const maxSyncFrameBytes = 4 * 1024 * 1024;
/**
 * Before the session begins (hello, then welcome or refuse) a frame carries at most this much: the largest
 * welcome, 64 peers of 8 addresses, is ~165 KB. Nothing larger is read from a peer not yet let in.
 */
export const maxHandshakeFrameBytes = 256 * 1024;
/**
 * A hello carries at most this much (a DAO id and an invite of at most 4 KiB, ~4.2 KB in all): the responder reads
 * it under this cap, not the handshake's, so a peer not let in yet holds this node to a few KB per stream.
 */
export const maxHelloFrameBytes = 4608;
/** Envelopes are sent in frames of at most this many bytes of envelopes (or one envelope, if larger). */
export const envelopeFrameBudget = 256 * 1024;
const maxListLength = 200_000;

export type SyncRefusalCode = 'NOT_A_MEMBER' | 'DAO_NOT_FOUND' | 'BUSY' | 'BAD_REQUEST' | 'INVALID_INVITE' | 'INVITE_EXPIRED' | 'INVITE_REVOKED';

/** Another node of the DAO the responder is connected to: how the initiator can reach it too. */
export type SharedPeer = { readonly id: string; readonly addrs: readonly string[] };

export type SyncMessage =
  | { readonly t: 'hello'; readonly v: number; readonly dao: Uint8Array; readonly invite?: Uint8Array }
  | { readonly t: 'welcome'; readonly peers?: readonly SharedPeer[] }
  | { readonly t: 'refuse'; readonly code: SyncRefusalCode; readonly message: string }
  | { readonly t: 'ranges'; readonly reconcile: ReconcileMessage }
  | { readonly t: 'offer'; readonly n: number }
  | { readonly t: 'envelopes'; readonly envelopes: readonly Uint8Array[] }
  | { readonly t: 'end' }
  /** Another message, compressed (raw DEFLATE) by the transport: envelopes repeat DAO ids, authors and keys. */
  | { readonly t: 'packed'; readonly z: Uint8Array };

export class SyncProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncProtocolError';
  }
}

const bytes = (length?: number) =>
  z.custom<Uint8Array>((value) => value instanceof Uint8Array && (length === undefined || value.length === length), {
    message: length === undefined ? 'expected bytes' : `expected ${length} bytes`,
  });
const boundSchema = z.union([z.null(), z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length <= idBytes)]);
const rangeSchema = z.union([
  z.tuple([boundSchema, z.literal(0)]),
  z.tuple([boundSchema, z.literal(1), bytes(fingerprintBytes)]),
  // The ids back to back: 32 bytes each (a CBOR header per id would add 2 bytes to every 32).
  z.tuple([boundSchema, z.literal(2), z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length % idBytes === 0 && value.length <= maxListLength * idBytes, { message: 'expected ids of 32 bytes back to back' })]),
]);
const wireSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('hello'), v: z.number().int(), dao: bytes(idBytes), invite: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length <= 4096).optional() }),
  z.strictObject({ t: z.literal('welcome'), peers: z.array(z.strictObject({ id: z.string().min(1).max(128), addrs: z.array(z.string().min(1).max(300)).max(8) })).max(64).optional() }),
  z.strictObject({ t: z.literal('refuse'), code: z.enum(['NOT_A_MEMBER', 'DAO_NOT_FOUND', 'BUSY', 'BAD_REQUEST', 'INVALID_INVITE', 'INVITE_EXPIRED', 'INVITE_REVOKED']), message: z.string().max(500) }),
  z.strictObject({ t: z.literal('ranges'), r: z.array(rangeSchema).max(maxListLength), w: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length <= maxListLength / 8, { message: 'expected a want bitmap' }) }),
  z.strictObject({ t: z.literal('offer'), n: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  z.strictObject({ t: z.literal('envelopes'), e: z.array(bytes()).min(1).max(maxListLength) }),
  z.strictObject({ t: z.literal('end') }),
  z.strictObject({ t: z.literal('packed'), z: bytes() }),
]);

export function encodeSyncMessage(message: SyncMessage): Uint8Array {
  switch (message.t) {
    case 'ranges':
      return dagCbor.encode({ t: 'ranges', r: message.reconcile.ranges.map(wireRange), w: message.reconcile.want });
    case 'envelopes':
      return dagCbor.encode({ t: 'envelopes', e: [...message.envelopes] });
    default:
      return dagCbor.encode(message);
  }
}

export function decodeSyncMessage(frame: Uint8Array): SyncMessage {
  if (frame.length > maxSyncFrameBytes) throw new SyncProtocolError(`A frame of ${frame.length} bytes is over the ${maxSyncFrameBytes}-byte cap.`);
  let value: unknown;
  try {
    value = dagCbor.decode(frame);
  } catch (error) {
    throw new SyncProtocolError(`A frame is not DAG-CBOR (${error instanceof Error ? error.message.slice(0, 80) : 'undecodable'}).`);
  }
  const parsed = wireSchema.safeParse(value);
  if (!parsed.success) throw new SyncProtocolError(`A frame is not a sync message (${parsed.error.issues[0]?.message ?? 'bad shape'}).`);
  const wire = parsed.data;
  switch (wire.t) {
    case 'ranges':
      return { t: 'ranges', reconcile: { ranges: wire.r.map(rangeFromWire), want: wire.w } };
    case 'envelopes':
      return { t: 'envelopes', envelopes: wire.e };
    default:
      return wire;
  }
}

/**
 * The largest `ranges` frame an honest peer sends in answer to ours: each fingerprint we sent taken apart into at
 * most `branching` ranges (a fingerprint, or a list of at most `idListThreshold` ids), a skip between any two,
 * every bound 32 bytes at most, and one want bit per id we listed. The session reads the peer's answer against it,
 * from the length prefix: a crafted first message (~170k ranges in 4 MiB, ~0.7 s to decode) is refused at ~18 KB
 * before any of it is decoded, where the reconciler would refuse it only after.
 */
export function maxRangesFrameBytes(limits: AnswerLimits): number {
  const bound = 2 + idBytes;
  const listBytes = limits.idListThreshold * idBytes;
  const largestPart = Math.max(1 + bound + 1 + 1 + fingerprintBytes, 1 + bound + 1 + cborHeaderBytes(listBytes) + listBytes);
  const skip = 1 + bound + 1;
  const parts = limits.fingerprints * limits.branching;
  const wantBytes = Math.ceil(limits.listed / 8);
  // { r: [...], t: 'ranges', w: bytes }: the map, three one-letter keys, 'ranges', and the two headers.
  const framing = 1 + 3 * 2 + 7 + cborHeaderBytes(2 * parts + 1) + cborHeaderBytes(wantBytes);
  return Math.min(maxSyncFrameBytes, framing + wantBytes + parts * largestPart + (parts + 1) * skip);
}

/** A CBOR head for a length of `n`: 1 byte below 24, then 2, 3, 5. */
function cborHeaderBytes(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/** Groups envelopes into frames of about `envelopeFrameBudget` bytes, keeping their order. */
export function* envelopeFrames(envelopes: Iterable<Uint8Array>): Generator<SyncMessage> {
  let batch: Uint8Array[] = [];
  let size = 0;
  for (const envelope of envelopes) {
    if (batch.length > 0 && size + envelope.length > envelopeFrameBudget) {
      yield { t: 'envelopes', envelopes: batch };
      batch = [];
      size = 0;
    }
    batch.push(envelope);
    size += envelope.length;
  }
  if (batch.length > 0) yield { t: 'envelopes', envelopes: batch };
}

function wireRange(range: RangeItem): unknown[] {
  switch (range.mode) {
    case 'skip':
      return [range.upper, 0];
    case 'fingerprint':
      return [range.upper, 1, range.fingerprint];
    case 'ids': {
      const joined = new Uint8Array(range.ids.length * idBytes);
      range.ids.forEach((id, i) => joined.set(id, i * idBytes));
      return [range.upper, 2, joined];
    }
  }
}

function rangeFromWire(range: z.infer<typeof rangeSchema>): RangeItem {
  if (range[1] === 0) return { upper: range[0], mode: 'skip' };
  if (range[1] === 1) return { upper: range[0], mode: 'fingerprint', fingerprint: range[2] };
  const joined = range[2];
  return { upper: range[0], mode: 'ids', ids: Array.from({ length: joined.length / idBytes }, (_, i) => joined.subarray(i * idBytes, (i + 1) * idBytes)) };
}
