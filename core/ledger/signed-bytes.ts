// The shape records and envelopes share on the wire: DAG-CBOR [payload, signature], where the signature
// covers a domain tag followed by the exact payload bytes. One place to decode it and to build the message.
import * as dagCbor from '@ipld/dag-cbor';

export type SignedBytes = {
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  /** The decoded payload, not yet checked. */
  readonly fields: unknown;
};

/** Decodes [payload, signature] and the payload; throws an Error saying why for anything else. */
export function decodeSignedBytes(bytes: Uint8Array): SignedBytes {
  const quick = splitSignedBytes(bytes);
  if (quick !== null) return { ...quick, fields: dagCbor.decode(quick.payload) };
  const outer: unknown = dagCbor.decode(bytes);
  if (!Array.isArray(outer) || outer.length !== 2 || !(outer[0] instanceof Uint8Array) || !(outer[1] instanceof Uint8Array)) {
    throw new Error('not [payload, signature]');
  }
  return { payload: outer[0], signature: outer[1], fields: dagCbor.decode(outer[0]) };
}

/**
 * [payload, signature] read straight off the bytes when they are exactly that, canonically encoded (an array
 * header of 2, then two byte strings with minimal length headers, and nothing after): what the generic
 * decoder would give, without its tokens. Null for anything else, which then goes through the decoder.
 */
function splitSignedBytes(bytes: Uint8Array): { payload: Uint8Array; signature: Uint8Array } | null {
  if (bytes[0] !== 0x82) return null;
  const payload = byteString(bytes, 1);
  if (payload === null) return null;
  const signature = byteString(bytes, payload.end);
  if (signature === null || signature.end !== bytes.length) return null;
  return { payload: bytes.subarray(payload.start, payload.end), signature: bytes.subarray(signature.start, signature.end) };
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
  } else if (length > 25) {
    return null; // 4- and 8-byte lengths: far past any record or envelope here; left to the decoder
  }
  const end = start + length;
  return end <= bytes.length ? { start, end } : null;
}

export function encodeSignedBytes(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  return dagCbor.encode([payload, signature]);
}

/** What a signature covers: a domain tag, then the payload. */
export function signingMessage(tag: Uint8Array, payload: Uint8Array): Uint8Array {
  const message = new Uint8Array(tag.length + payload.length);
  message.set(tag);
  message.set(payload, tag.length);
  return message;
}
