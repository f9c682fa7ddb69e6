// An envelope: one Yjs update from one local transaction, signed by its author (DESIGN.md §4a). Every update
// that crosses a boundary (gossip, catch-up, storage) travels in one, so the gate knows who wrote it.
//
// Bytes: DAG-CBOR [payload, signature], as records are (record.ts): verifying never re-encodes, and the
// signature covers the exact payload bytes. Payload: { v, d: DAO id, a: author, u: update, x?: [device key,
// delegation id] }. The signature covers the domain tag, the DAO id and the update as asked, and also the
// author and the device fields, so nothing in an envelope can be relabelled without the signer.
// Member-signed: secp256k1 over keccak-256 of the message (65 bytes, recoverable, low s).
// Device-signed: Ed25519 over the message (64 bytes) by a key the author delegated to (device-delegation.ts).
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { DaomeshError } from '../errors.ts';
import { recoverAddress, signDigest, type MemberKey } from '../identity/member-key.ts';
import { addressBytes, addressFromBytes, compareBytes, recordHashFromId, recordIdFromHash, type DeviceSignature } from '../ledger/record.ts';
import { RecentByBytes } from '../ledger/recent-by-bytes.ts';
import { decodeSignedBytes, encodeSignedBytes, signingMessage, withSigningMessage, type SignedBytes } from '../ledger/signed-bytes.ts';
import type { Ed25519Verify } from '../ledger/verifier.ts';

export const envelopeVersion = 1;
/**
 * 1 MiB: a local transaction is a few records or some typing, far below this. Gossip peers drop messages
 * over 1-4 MiB (DESIGN.md §5), so anything this large goes over catch-up streams, never gossip.
 */
export const maxUpdateBytes = 1024 * 1024;
/** Room for the envelope's own fields around the update. */
export const maxEnvelopeBytes = maxUpdateBytes + 1024;
const signingTag = utf8ToBytes('daomesh-envelope-v1\0');
/** secp256k1's group order halved: a larger s is the other form of the same signature (malleable ids). */
const halfOrder = hexToBytes('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0');

/** Thrown by decodeEnvelope for an envelope or update over its cap, so the gate can say TOO_LARGE. */
export class EnvelopeTooLargeError extends DaomeshError {
  constructor(message: string) {
    super('BAD_REQUEST', message, 'Split the change into several transactions.');
    this.name = 'EnvelopeTooLargeError';
  }
}

export type EnvelopeContent = { dao: string; author: string; update: Uint8Array; device?: DeviceSignature | undefined };

type WireEnvelope = { v: number; d: Uint8Array; a: Uint8Array; u: Uint8Array; x?: [Uint8Array, Uint8Array] };

function toWire(content: EnvelopeContent): WireEnvelope {
  const wire: WireEnvelope = { v: envelopeVersion, d: recordHashFromId(content.dao), a: addressBytes(content.author), u: content.update };
  if (content.device) wire.x = [content.device.key, content.device.delegation];
  return wire;
}

/** What a signature covers: the domain tag, then the payload. */
export function envelopeSigningMessage(payload: Uint8Array): Uint8Array {
  return signingMessage(signingTag, payload);
}

/** Signs `update` with the member key itself. */
export function sealEnvelopeAsMember(dao: string, update: Uint8Array, member: MemberKey): Envelope {
  const payload = encodePayload({ dao, author: member.address, update });
  return finish(payload, signDigest(member.privateKey, keccak_256(envelopeSigningMessage(payload))));
}

/** Signs `update` with a delegated device key; `sign` is an Ed25519 signer over the message. */
export function sealEnvelopeAsDevice(dao: string, update: Uint8Array, author: string, device: DeviceSignature, sign: (message: Uint8Array) => Uint8Array): Envelope {
  const payload = encodePayload({ dao, author, update, device });
  return finish(payload, sign(envelopeSigningMessage(payload)));
}

/**
 * What a writer seals its local transactions with: the signing key (which names the Yjs clients it may write
 * as, yjs-client.ts) and the sealing itself.
 */
export type EnvelopeSealer = { readonly key: Uint8Array; seal(update: Uint8Array): Envelope };

export function memberSealer(dao: string, member: MemberKey): EnvelopeSealer {
  return { key: addressBytes(member.address), seal: (update) => sealEnvelopeAsMember(dao, update, member) };
}

export function deviceSealer(dao: string, author: string, device: DeviceSignature, sign: (message: Uint8Array) => Uint8Array): EnvelopeSealer {
  return { key: device.key, seal: (update) => sealEnvelopeAsDevice(dao, update, author, device, sign) };
}

function encodePayload(content: EnvelopeContent): Uint8Array {
  if (content.update.length > maxUpdateBytes) throw new EnvelopeTooLargeError(`An update may hold at most ${maxUpdateBytes} bytes; this one has ${content.update.length}.`);
  if (content.device && (content.device.key.length !== 32 || content.device.delegation.length !== 32)) {
    throw new DaomeshError('BAD_REQUEST', 'A device key and a delegation id are 32 bytes each.');
  }
  return dagCbor.encode(toWire(content));
}

function finish(payload: Uint8Array, sig: Uint8Array): Envelope {
  return decodeEnvelope(encodeSignedBytes(payload, sig));
}

export function envelopeId(bytes: Uint8Array): string {
  return recordIdFromHash(sha256(bytes));
}

/** Decodes untrusted bytes; throws BAD_REQUEST with the reason for anything but a well-formed envelope. Does not verify. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length > maxEnvelopeBytes) throw new EnvelopeTooLargeError(`An envelope may hold at most ${maxEnvelopeBytes} bytes; this one has ${bytes.length}.`);
  let signed: SignedBytes;
  try {
    signed = decodeSignedBytes(bytes);
  } catch (error) {
    throw malformed(`not canonical CBOR (${error instanceof Error ? error.message : String(error)})`);
  }
  const { payload, signature: sig } = signed;
  const fields = fromWire(signed.fields);
  // One envelope, one encoding: otherwise a relay could re-encode it under a new id. (Bytes the canonical reader
  // took are the encoding of what it read, and fromWire keeps every field: nothing to re-encode.)
  if (!signed.canonical && compareBytes(dagCbor.encode(fields), payload) !== 0) throw malformed('its payload is not canonically encoded');
  if (fields.x) {
    if (sig.length !== 64) throw malformed('a device signature is 64 bytes');
  } else if (sig.length !== 65 || sig[0]! > 3 || compareBytes(sig.subarray(33), halfOrder) > 0) {
    throw malformed('a member signature is 65 bytes [recovery, r, s] with a low s');
  }
  return new Envelope(bytes, daoId(fields.d), fields, sig, payload);
}

/**
 * A decoded envelope, as decodeEnvelope makes it (not checked: see verifyEnvelopeSignature and the gate).
 * A class, not an object literal with a getter: V8 builds such a literal slowly and big (over a kilobyte
 * more), once per envelope the gate reads.
 */
export class Envelope {
  readonly bytes: Uint8Array;
  /** The DAO's id (its genesis record's id). */
  readonly dao: string;
  /** The same as its hash's bytes. */
  readonly daoBytes: Uint8Array;
  /** EIP-55 address of the member who wrote the update. */
  readonly author: string;
  readonly authorBytes: Uint8Array;
  /** The Yjs update, V1 encoding. */
  readonly update: Uint8Array;
  /** Present when a delegated device key signed. */
  readonly device: DeviceSignature | undefined;
  readonly sig: Uint8Array;
  /** The signed bytes: the envelope without its signature. */
  readonly payload: Uint8Array;
  #id: string | undefined;

  constructor(bytes: Uint8Array, dao: string, fields: WireEnvelope, sig: Uint8Array, payload: Uint8Array) {
    this.bytes = bytes;
    this.dao = dao;
    this.daoBytes = fields.d;
    this.author = addressFromBytes(fields.a);
    this.authorBytes = fields.a;
    this.update = fields.u;
    this.device = fields.x ? { key: fields.x[0], delegation: fields.x[1] } : undefined;
    this.sig = sig;
    this.payload = payload;
  }

  /** base64url SHA-256 of `bytes`: the id peers dedupe and store by. Hashed on first use: the gate does not need it. */
  get id(): string {
    return (this.#id ??= envelopeId(this.bytes));
  }
}

/** The DAO ids decoded lately: a run of envelopes is nearly always one DAO's. */
const recentDaos = new RecentByBytes<string>(4);

function daoId(hash: Uint8Array): string {
  let id = recentDaos.get(hash);
  if (id === undefined) recentDaos.set(hash, (id = recordIdFromHash(hash)));
  return id;
}

/** True when the member key of `author`, or the named device key, signed the envelope. Delegation is the gate's to check. */
export function verifyEnvelopeSignature(envelope: Envelope, ed25519Verify: Ed25519Verify): boolean {
  const device = envelope.device;
  if (device) return withSigningMessage(signingTag, envelope.payload, (message) => ed25519Verify(envelope.sig, message, device.key));
  return recoverAddress(withSigningMessage(signingTag, envelope.payload, keccak_256), envelope.sig) === envelope.author;
}

function fromWire(value: unknown): WireEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) throw malformed('its payload is not a map');
  const wire = value as Record<string, unknown>;
  for (const key of Object.keys(wire)) {
    if (!['v', 'd', 'a', 'u', 'x'].includes(key)) throw malformed(`unknown field ${key.slice(0, 40)}`);
  }
  if (wire.v !== envelopeVersion) throw malformed(`version ${String(wire.v).slice(0, 20)} is not ${envelopeVersion}`);
  if (!isBytes(wire.d, 32)) throw malformed('the DAO id is not 32 bytes');
  if (!isBytes(wire.a, 20)) throw malformed('the author is not 20 bytes');
  if (!isBytes(wire.u)) throw malformed('the update is not bytes');
  if (wire.u.length === 0) throw malformed('the update is empty');
  if (wire.u.length > maxUpdateBytes) throw new EnvelopeTooLargeError(`An update may hold at most ${maxUpdateBytes} bytes; this one has ${wire.u.length}.`);
  const out: WireEnvelope = { v: envelopeVersion, d: wire.d, a: wire.a, u: wire.u };
  if (wire.x !== undefined) {
    if (!Array.isArray(wire.x) || wire.x.length !== 2 || !isBytes(wire.x[0], 32) || !isBytes(wire.x[1], 32)) throw malformed('device is not [key, delegation] of 32 bytes each');
    out.x = [wire.x[0], wire.x[1]];
  }
  return out;
}

function isBytes(value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

function malformed(reason: string): DaomeshError {
  return new DaomeshError('BAD_REQUEST', `Malformed envelope: ${reason}.`);
}
