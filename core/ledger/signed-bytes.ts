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
  const outer: unknown = dagCbor.decode(bytes);
  if (!Array.isArray(outer) || outer.length !== 2 || !(outer[0] instanceof Uint8Array) || !(outer[1] instanceof Uint8Array)) {
    throw new Error('not [payload, signature]');
  }
  return { payload: outer[0], signature: outer[1], fields: dagCbor.decode(outer[0]) };
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
