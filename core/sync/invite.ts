// Invite codes (DESIGN.md §5): a signed, expiring capability that lets a new device reach a DAO's nodes and
// receive its history. It does not make anyone a member — only a passed member.add proposal (or the genesis
// founders list) does. The inviter's device key signs it; a node of the DAO honours it when that key is
// delegated by a current member in its ledger, the code has not expired, it has not been revoked, and no member
// left the DAO since it was made: a code is a bearer capability, and one that a member saw while in the DAO
// must not let them read on after they left (`exits`, how many exits the inviter's ledger held).
//
// Text form: "daomesh-invite:" + base64url(DAG-CBOR [payload, signature]); payload
// { v, dao: 32 bytes, inviter: 20-byte address, device: 32-byte Ed25519 key, addrs: [multiaddr], expires, exits, nonce }.
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base64urlnopad } from '@scure/base';
import { z } from 'zod';
import { DaomeshError, type ErrorDetail } from '../errors.ts';
import { addressBytes, addressFromBytes, recordHashFromId, recordIdFromHash } from '../ledger/record.ts';
import { decodeSignedBytes, encodeSignedBytes, signingMessage } from '../ledger/signed-bytes.ts';
import type { Ed25519Verify } from '../ledger/verifier.ts';

export const invitePrefix = 'daomesh-invite:';
/** 2: with `exits` (codes of version 1 are refused: made before there was a release). */
const inviteVersion = 2;
const signingTag = utf8ToBytes('daomesh-invite-v2\0');
const maxInviteChars = 4096;

export type Invite = {
  /** base64url SHA-256 of the code's bytes: what a revocation names. */
  readonly id: string;
  readonly dao: string;
  readonly inviter: string;
  readonly device: Uint8Array;
  /** Where the inviter's node listens (multiaddrs ending in /p2p/<peer id>). */
  readonly addrs: readonly string[];
  readonly expires: number;
  /** How many members had left the DAO in the inviter's ledger when it made the code. */
  readonly exits: number;
  readonly bytes: Uint8Array;
};

/** The longest an invite code may last: nodes make none longer, and refuse one that claims to. */
export const maxInviteLifetimeMs = 90 * 24 * 3600 * 1000;

/** How long an invite works when its maker does not say. */
export const defaultInviteLifetimeMs = 7 * 24 * 3600 * 1000;

/** `exits`: how many members had left the DAO (removed or rage quit) in the inviter's ledger when it made the code. */
export type InviteContent = { dao: string; inviter: string; device: Uint8Array; addrs: readonly string[]; expires: number; exits: number; nonce: Uint8Array };

const payloadSchema = z.strictObject({
  v: z.literal(inviteVersion),
  dao: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length === 32),
  inviter: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length === 20),
  device: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length === 32),
  addrs: z.array(z.string().min(1).max(300)).max(16),
  expires: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  exits: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  nonce: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length >= 8 && value.length <= 32),
});

/** Makes and signs an invite code with the inviter's delegated device key. */
export function createInvite(content: InviteContent, sign: (message: Uint8Array) => Uint8Array): { invite: Invite; code: string } {
  const payload = dagCbor.encode({
    v: inviteVersion,
    dao: recordHashFromId(content.dao),
    inviter: addressBytes(content.inviter),
    device: content.device,
    addrs: [...content.addrs],
    expires: content.expires,
    exits: content.exits,
    nonce: content.nonce,
  });
  const bytes = encodeSignedBytes(payload, sign(signingMessage(signingTag, payload)));
  return { invite: readInvite(bytes), code: invitePrefix + base64urlnopad.encode(bytes) };
}

/**
 * Reads an invite code a person pasted: a clear error for anything that is not a whole, untampered code
 * (the signature is checked against the key the code names; whether that key may invite is the DAO's call).
 */
export function parseInviteCode(code: string, verify: Ed25519Verify): Invite {
  const trimmed = code.trim();
  if (trimmed.length > maxInviteChars || !trimmed.startsWith(invitePrefix)) {
    throw invalidInvite('It does not look like a DAOmesh invite code (they start with "daomesh-invite:").', 'invite-not-a-code');
  }
  let bytes: Uint8Array;
  try {
    bytes = base64urlnopad.decode(trimmed.slice(invitePrefix.length));
  } catch {
    throw invalidInvite('The code is damaged (not base64url). Copy it again, whole.', 'invite-damaged');
  }
  return verifyInviteBytes(bytes, verify);
}

/** Checks invite bytes from a peer or a paste: shape and signature. */
export function verifyInviteBytes(bytes: Uint8Array, verify: Ed25519Verify): Invite {
  let invite: Invite;
  let signed: { payload: Uint8Array; signature: Uint8Array };
  try {
    signed = decodeSignedBytes(bytes);
    invite = readInvite(bytes);
  } catch {
    throw invalidInvite('The code is damaged or was altered. Copy it again, whole.', 'invite-damaged');
  }
  if (!verify(signed.signature, signingMessage(signingTag, signed.payload), invite.device)) {
    throw invalidInvite('The code was altered after it was signed. Ask for a new one.', 'invite-altered');
  }
  return invite;
}

function readInvite(bytes: Uint8Array): Invite {
  const fields = payloadSchema.parse(decodeSignedBytes(bytes).fields);
  return {
    id: base64urlnopad.encode(sha256(bytes)),
    dao: recordIdFromHash(fields.dao),
    inviter: addressFromBytes(fields.inviter),
    device: fields.device,
    addrs: fields.addrs,
    expires: fields.expires,
    exits: fields.exits,
    bytes,
  };
}

function invalidInvite(message: string, detail: ErrorDetail): DaomeshError {
  return new DaomeshError('INVALID_INVITE', message, undefined, detail);
}
