// The shape records and envelopes share on the wire: DAG-CBOR [payload, signature], where the signature
// covers a domain tag followed by the exact payload bytes. One place to decode it and to build the message.
import * as dagCbor from '@ipld/dag-cbor';
import { decodeCanonical } from './canonical-cbor.ts';

export type SignedBytes = {
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** The decoded payload, not yet checked. */
  readonly fields: unknown;
  /** True when the payload is known to be the canonical encoding of `fields` (false: not known either way). */
  readonly canonical: boolean;
};

/** Decodes [payload, signature] and the payload; throws an Error saying why for anything else. */
export function decodeSignedBytes(bytes: Uint8Array): SignedBytes {
  const quick = splitSignedBytes(bytes);
  if (quick !== null) return withFields(quick.payload, quick.signature);
  const outer: unknown = dagCbor.decode(bytes);
  if (!Array.isArray(outer) || outer.length !== 2 || !(outer[0] instanceof Uint8Array) || !(outer[1] instanceof Uint8Array)) {
    throw new Error('not [payload, signature]');
  }
  return withFields(outer[0], outer[1]);
}

function withFields(payload: Uint8Array, signature: Uint8Array): SignedBytes {
  const fields = decodeCanonical(payload);
  return fields === undefined ? { payload, signature, fields: dagCbor.decode(payload), canonical: false } : { payload, signature, fields, canonical: true };
}

/**
 * [payload, signature] read straight off the bytes when they are exactly that, canonically encoded (an array
 * header of 2, then two byte strings with minimal length headers, and nothing after): what the generic
 * decoder would give, without its tokens. Null for anything else, which then goes through the decoder.
 */
export function splitSignedBytes(bytes: Uint8Array): { payload: Uint8Array; signature: Uint8Array } | null {
  if (bytes[0] !== 0x82) return null;
  const payload = byteString(bytes, 1);
  if (payload === null) return null;
  const signature = byteString(bytes, payload.end);
  if (signature === null || signature.end !== bytes.length) return null;
  // Views made by the constructor: subarray looks up the species constructor first (a Buffer's would be a Buffer).
  const buffer = bytes.buffer;
  return {
    payload: new Uint8Array(buffer, bytes.byteOffset + payload.start, payload.end - payload.start),
    signature: new Uint8Array(buffer, bytes.byteOffset + signature.start, signature.end - signature.start),
  };
}

/** The byte string whose header is at `at`, if its length is encoded minimally and it fits. */
function byteString(bytes: Uint8Array, at: number): { start: number; end: number } | null {
  const head = bytes[at];
  if (head === undefined || head >> 5 !== 2) return null;
  let length = head & 0x1f;
  let start = at + 1;
  if (length === 24) {
    length = bytes[start] ?? 0;
    if (length < 24) return null;
    start += 1;
  } else if (length === 25) {
    if (start + 2 > bytes.length) return null;
    length = (bytes[start]! << 8) | bytes[start + 1]!;
    if (length < 256) return null;
    start += 2;
  } else if (length === 26) {
    if (start + 4 > bytes.length) return null;
    length = bytes[start]! * 0x1000000 + ((bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) | bytes[start + 3]!);
    if (length < 0x10000) return null;
    start += 4;
  } else if (length > 26) {
    return null; // 8-byte lengths: far past any record or envelope here; left to the decoder
  }
  const end = start + length;
  return end <= bytes.length ? { start, end } : null;
}

export function encodeSignedBytes(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  return dagCbor.encode([payload, signature]);
}

let scratch = new Uint8Array(1024);
let scratchBusy = false;

/**
 * Runs `use` on signingMessage(tag, payload) written into a reused buffer: verifying checks one message per
 * record, and a fresh array for each was a visible share of taking a record in. `use` must not keep the
 * message past its return (a verifier reads it and is done).
 */
export function withSigningMessage<T>(tag: Uint8Array, payload: Uint8Array, use: (message: Uint8Array) => T): T {
  if (scratchBusy) return use(signingMessage(tag, payload));
  const length = tag.length + payload.length;
  if (scratch.length < length) scratch = new Uint8Array(Math.max(length, 2 * scratch.length));
  scratch.set(tag);
  scratch.set(payload, tag.length);
  scratchBusy = true;
  try {
    return use(scratch.subarray(0, length));
  } finally {
    scratchBusy = false;
  }
}

/** What a signature covers: a domain tag, then the payload. */
export function signingMessage(tag: Uint8Array, payload: Uint8Array): Uint8Array {
  const message = new Uint8Array(tag.length + payload.length);
  message.set(tag);
  message.set(payload, tag.length);
  return message;
}
