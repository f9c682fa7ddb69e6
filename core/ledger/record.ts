// A record: one signed, content-addressed fact in a DAO's ledger (DESIGN.md §4). Deterministic binary
// encoding (DAG-CBOR), an id that is the hash of the bytes, the author's signature by the member key itself
// or by a device key the member delegated to. The bytes are [payload, signature], where the payload is the
// encoded record without its signature: verifying never re-encodes (that was a quarter of the cost of
// opening a DAO), and since the signature covers the exact payload bytes nobody but the author can make
// another encoding of a record.
import * as dagCbor from '@ipld/dag-cbor';
import { base64urlnopad } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { DaomeshError } from '../errors.ts';
import { checksumAddress, recoverAddress, signDigest } from '../identity/member-key.ts';
import { CanonicalReader } from './canonical-cbor.ts';
import { decodeSignedBytes, encodeSignedBytes, signingMessage as signedMessage, splitSignedBytes, withSigningMessage, type SignedBytes } from './signed-bytes.ts';
import type { Ed25519Verify } from './verifier.ts';
import { RecentByBytes } from './recent-by-bytes.ts';

export const recordVersion = 1;
export const maxRecordBytes = 16 * 1024;
export const maxDeps = 32;
const maxKindLength = 40;
/** The last moment a Date can hold (year 275760): a record claiming a later time claims nothing anyone can show. */
export const maxRecordTime = 8.64e15;
/** Separates what a record signature means from any other use of the same key. */
const signingTag = utf8ToBytes('daomesh-record-v1\0');

/** A CBOR value a record body may hold: no floats, no undefined; bytes as Uint8Array. */
export type BodyValue = null | boolean | number | string | Uint8Array | BodyValue[] | { [key: string]: BodyValue };
export type RecordBody = { [key: string]: BodyValue };

export type DeviceSignature = {
  /** Ed25519 public key of the device that signed. */
  key: Uint8Array;
  /** Id (hash) of the member's `device.delegate` record that authorises this key; also a causal parent. */
  delegation: Uint8Array;
};

export type UnsignedRecord = {
  /** The DAO's id (its genesis record's hash); null only in a genesis record. */
  dao: Uint8Array | null;
  kind: string;
  body: RecordBody;
  /** The member's Ethereum address, 20 bytes. */
  author: Uint8Array;
  /** Ids of the newest records the author had seen: the causal DAG. Sorted, no repeats. */
  deps: Uint8Array[];
  /** Claimed creation time, ms since the epoch. Claimed, so never trusted alone (see tally certificates). */
  time: number;
  device?: DeviceSignature | undefined;
};

export type SignedRecord = UnsignedRecord & { sig: Uint8Array };

/** A decoded, well-formed record with its bytes and id. Well-formed is not verified: see verifyRecordSignature. */
export type LedgerRecord = {
  readonly id: string;
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
  readonly record: SignedRecord;
  /** EIP-55 form of record.author. */
  readonly author: string;
  /** The signed bytes: the encoded record without its signature. */
  readonly payload: Uint8Array;
};

type WireRecord = {
  v: number;
  d: Uint8Array | null;
  k: string;
  b: RecordBody;
  a: Uint8Array;
  p: Uint8Array[];
  t: number;
  x?: [Uint8Array, Uint8Array];
};

function toWire(record: UnsignedRecord): WireRecord {
  const wire: WireRecord = { v: recordVersion, d: record.dao, k: record.kind, b: record.body, a: record.author, p: record.deps, t: record.time };
  if (record.device) wire.x = [record.device.key, record.device.delegation];
  return wire;
}

/** EIP-55 needs a keccak per address; a DAO has a dozen authors, so remember them. */
const checksummedAuthors = new Map<string, string>();
/** The authors asked for lately: envelopes come from a few members in turn. */
const recentAuthors = new RecentByBytes<string>();
function authorAddress(bytes: Uint8Array): string {
  let address = recentAuthors.get(bytes);
  if (address === undefined) recentAuthors.set(bytes, (address = checksummed(bytes)));
  return address;
}

function checksummed(bytes: Uint8Array): string {
  const hex = bytesToHex(bytes);
  let address = checksummedAuthors.get(hex);
  if (address === undefined) {
    address = checksumAddress(hex);
    if (checksummedAuthors.size > 10_000) checksummedAuthors.clear();
    checksummedAuthors.set(hex, address);
  }
  return address;
}

const base64urlCodes = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', (char) => char.charCodeAt(0));
const idCodes = new Array<number>(43);

/** Record ids are the base64url of the SHA-256 of the bytes: 43 characters, shorter than hex in every ledger key. */
export function recordIdFromHash(hash: Uint8Array): string {
  return hash.length === 32 ? recordIdAt(hash, 0) : base64urlnopad.encode(hash);
}

/** The id of the 32-byte hash at `offset` of `bytes` (hashes stored back to back). */
export function recordIdAt(bytes: Uint8Array, offset: number): string {
  // Every record, dep and reference goes through here: a table lookup is a few times faster than the generic codec.
  let at = 0;
  for (let i = offset, end = offset + 30; i < end; i += 3) {
    const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    idCodes[at++] = base64urlCodes[triple >> 18]!;
    idCodes[at++] = base64urlCodes[(triple >> 12) & 63]!;
    idCodes[at++] = base64urlCodes[(triple >> 6) & 63]!;
    idCodes[at++] = base64urlCodes[triple & 63]!;
  }
  const last = (bytes[offset + 30]! << 16) | (bytes[offset + 31]! << 8);
  idCodes[at++] = base64urlCodes[last >> 18]!;
  idCodes[at++] = base64urlCodes[(last >> 12) & 63]!;
  idCodes[at] = base64urlCodes[(last >> 6) & 63]!;
  return String.fromCharCode.apply(null, idCodes);
}

export function recordHashFromId(id: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) throw new DaomeshError('BAD_REQUEST', `Not a record id: ${id.slice(0, 60)}`);
  try {
    return base64urlnopad.decode(id);
  } catch {
    throw new DaomeshError('BAD_REQUEST', `Not a record id: ${id}`);
  }
}

export function recordId(bytes: Uint8Array): string {
  return recordIdFromHash(sha256(bytes));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = a[i]! - b[i]!;
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** Sorted and without repeats, as the encoding requires. */
export function canonicalDeps(deps: Iterable<Uint8Array>): Uint8Array[] {
  const sorted = [...deps].sort(compareBytes);
  return sorted.filter((dep, index) => index === 0 || compareBytes(dep, sorted[index - 1]!) !== 0);
}

/** The encoded record without its signature: the payload of the record's bytes. */
export function encodePayload(record: UnsignedRecord): Uint8Array {
  return dagCbor.encode(toWire(record));
}

/** What a signature covers: a domain tag, then the payload. */
export function signingMessage(payload: Uint8Array): Uint8Array {
  return signedMessage(signingTag, payload);
}

export function addressBytes(address: string): Uint8Array {
  return hexToBytes(checksumAddress(address).slice(2));
}

export function addressFromBytes(bytes: Uint8Array): string {
  return bytes.length === 20 ? authorAddress(bytes) : checksumAddress(bytesToHex(bytes));
}

/** Signs with the member key itself (secp256k1; slow to verify, so used for delegations and genesis). */
export function signRecordAsMember(record: UnsignedRecord, memberPrivateKey: Uint8Array): LedgerRecord {
  if (record.device) throw new DaomeshError('BAD_REQUEST', 'A record signed by the member key has no device field.');
  const sig = signDigest(memberPrivateKey, keccak_256(signingMessage(encodePayload(record))));
  return encodeRecord({ ...record, sig });
}

/** Signs with a delegated device key; `sign` is an Ed25519 signer over the payload. */
export function signRecordAsDevice(record: UnsignedRecord, sign: (payload: Uint8Array) => Uint8Array): LedgerRecord {
  if (!record.device) throw new DaomeshError('BAD_REQUEST', 'A device-signed record names its device key and delegation.');
  return encodeRecord({ ...record, sig: sign(signingMessage(encodePayload(record))) });
}

export function encodeRecord(record: SignedRecord): LedgerRecord {
  checkFields(record);
  const payload = encodePayload(record);
  const bytes = encodeSignedBytes(payload, record.sig);
  if (bytes.length > maxRecordBytes) {
    throw new DaomeshError('BAD_REQUEST', `A record may hold at most ${maxRecordBytes} bytes; this one has ${bytes.length}.`, 'Put long text in the document, not in the record.');
  }
  const hash = sha256(bytes);
  return { id: recordIdFromHash(hash), hash, bytes, record, author: authorAddress(record.author), payload };
}

/**
 * Decodes untrusted bytes; throws BAD_REQUEST with the reason for anything but a well-formed record. `hash`
 * (and `id`): the SHA-256 of `bytes` (and its id) when the caller computed it already (the update gate keys
 * entries by it). Byte fields are views of `bytes`, which must not change afterwards.
 */
export function decodeRecord(bytes: Uint8Array, hash?: Uint8Array, id?: string): LedgerRecord {
  if (bytes.length > maxRecordBytes) throw malformed(`it has ${bytes.length} bytes (at most ${maxRecordBytes})`);
  const split = splitSignedBytes(bytes);
  const quick = split === null ? null : readRecord(split.payload, split.signature);
  if (quick !== null) {
    checkFields(quick);
    const digest = hash ?? sha256(bytes);
    return { id: id ?? recordIdFromHash(digest), hash: digest, bytes, record: quick, author: authorAddress(quick.author), payload: split!.payload };
  }
  let signed: SignedBytes;
  try {
    signed = decodeSignedBytes(bytes);
  } catch (error) {
    throw malformed(`not canonical CBOR (${error instanceof Error ? error.message : String(error)})`);
  }
  const { payload } = signed;
  const record = fromWire(signed.fields, signed.signature);
  checkFields(record);
  // One record, one encoding, one id: the generic decoder takes keys out of order and floats the encoder never
  // writes for whole numbers, so only what encodes back to these very bytes passes (non-ASCII text comes here).
  if (compareBytes(encodePayload(record), payload) !== 0) throw malformed('its payload is not in canonical form (DAOmesh writes each record one way only)');
  if (holdsFraction(record.body)) throw malformed('its body holds a number that is not an integer');
  const digest = hash ?? sha256(bytes);
  return { id: recordIdFromHash(digest), hash: digest, bytes, record, author: authorAddress(record.author), payload };
}

/** True when the signature is the author's (member-signed) or the named device key's (device-signed). */
export function verifyRecordSignature(record: LedgerRecord, ed25519Verify: Ed25519Verify): boolean {
  const signed = record.record;
  const device = signed.device;
  if (device) return signed.sig.length === 64 && withSigningMessage(signingTag, record.payload, (message) => ed25519Verify(signed.sig, message, device.key));
  const signer = recoverAddress(withSigningMessage(signingTag, record.payload, keccak_256), signed.sig);
  return signer !== null && signer === record.author;
}

/** True when a body value holds a number with a fraction (nesting is bounded by the decoder). */
function holdsFraction(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isInteger(value);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(holdsFraction);
}

function malformed(reason: string): DaomeshError {
  return new DaomeshError('BAD_REQUEST', `Malformed record: ${reason}.`);
}

function isBytes(value: unknown, length?: number): value is Uint8Array {
  return value instanceof Uint8Array && (length === undefined || value.length === length);
}

/**
 * The record in a canonically encoded payload, read field by field in the encoding's key order (a, b, d, k, p,
 * t, v, x): what fromWire gives for such a payload, without a map in between. Null for anything else, which
 * then takes the general way (and is refused there, with the reason, if it is not a record).
 */
function readRecord(payload: Uint8Array, sig: Uint8Array): SignedRecord | null {
  const reader = new CanonicalReader(payload);
  const size = reader.mapHeader();
  if (size !== 7 && size !== 8) return null;
  const author = reader.key(0x61) ? reader.byteString(20) : undefined;
  if (author === undefined || !reader.key(0x62)) return null;
  const body = reader.value();
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof Uint8Array || !reader.key(0x64)) return null;
  const dao = reader.nullOrByteString(32);
  const kind = dao !== undefined && reader.key(0x6b) ? reader.text() : undefined;
  const depCount = kind !== undefined && reader.key(0x70) ? reader.listHeader() : -1;
  if (depCount < 0 || depCount > maxDeps) return null;
  const deps: Uint8Array[] = [];
  for (let i = 0; i < depCount; i++) {
    const dep = reader.byteString(32);
    if (dep === undefined) return null;
    deps.push(dep);
  }
  const time = reader.key(0x74) ? reader.uint() : -1;
  if (time < 0 || !reader.key(0x76) || reader.uint() !== recordVersion) return null;
  let device: DeviceSignature | undefined;
  if (size === 8) {
    if (!reader.key(0x78) || reader.listHeader() !== 2) return null;
    const key = reader.byteString(32);
    const delegation = key === undefined ? undefined : reader.byteString(32);
    if (delegation === undefined) return null;
    device = { key: key!, delegation };
  }
  if (!reader.done()) return null;
  return { dao: dao!, kind: kind!, body: body as RecordBody, author, deps, time, device, sig };
}

function fromWire(value: unknown, sig: Uint8Array): SignedRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) throw malformed('not a map');
  const wire = value as Record<string, unknown>;
  for (const key of Object.keys(wire)) {
    if (!['v', 'd', 'k', 'b', 'a', 'p', 't', 'x'].includes(key)) throw malformed(`unknown field ${key}`);
  }
  if (wire.v !== recordVersion) throw malformed(`version ${String(wire.v)} is not ${recordVersion}`);
  if (!(wire.d === null || isBytes(wire.d, 32))) throw malformed('dao is not 32 bytes or null');
  if (typeof wire.k !== 'string') throw malformed('kind is not text');
  if (typeof wire.b !== 'object' || wire.b === null || Array.isArray(wire.b) || wire.b instanceof Uint8Array) throw malformed('body is not a map');
  if (!isBytes(wire.a, 20)) throw malformed('author is not 20 bytes');
  if (!Array.isArray(wire.p) || !wire.p.every((dep) => isBytes(dep, 32))) throw malformed('deps are not a list of 32-byte ids');
  if (typeof wire.t !== 'number') throw malformed('time is not a number');
  let device: DeviceSignature | undefined;
  if (wire.x !== undefined) {
    if (!Array.isArray(wire.x) || wire.x.length !== 2 || !isBytes(wire.x[0], 32) || !isBytes(wire.x[1], 32)) throw malformed('device is not [key, delegation]');
    device = { key: wire.x[0], delegation: wire.x[1] };
  }
  return { dao: wire.d, kind: wire.k, body: wire.b as RecordBody, author: wire.a, deps: wire.p as Uint8Array[], time: wire.t, device, sig };
}

function checkFields(record: SignedRecord): void {
  if (!/^[a-z][a-z0-9.-]*$/.test(record.kind) || record.kind.length > maxKindLength) throw malformed(`kind ${JSON.stringify(record.kind.slice(0, 60))} is not a lower-case name`);
  if (!Number.isSafeInteger(record.time) || record.time < 0) throw malformed('time is not a whole number of ms');
  if (record.time > maxRecordTime) throw malformed('time is past the last moment a date can hold');
  if (record.deps.length > maxDeps) throw malformed(`it has ${record.deps.length} deps (at most ${maxDeps})`);
  for (let i = 1; i < record.deps.length; i++) {
    if (compareBytes(record.deps[i - 1]!, record.deps[i]!) >= 0) throw malformed('deps are not sorted without repeats');
  }
  if (record.device) {
    if (!isBytes(record.device.key, 32) || !isBytes(record.device.delegation, 32)) throw malformed('device key or delegation is not 32 bytes');
  } else if (record.sig.length !== 65) {
    throw malformed('a member signature is 65 bytes');
  }
  if ((record.dao === null) !== (record.kind === 'dao.genesis')) throw malformed('only a genesis record has no DAO id');
}
