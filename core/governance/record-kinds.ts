// The governance record kinds and their body schemas. Bodies are checked once, here, when the fold first sees
// a record; everything past this point works on the typed values. Ids travel as 32 raw bytes, addresses as
// 20, and come out as record ids (base64url) and EIP-55 addresses.
import { z } from 'zod';
import { addressFromBytes, compareBytes, recordIdFromHash, type RecordBody } from '../ledger/record.ts';
import { isSoundEd25519Key } from '../ledger/verifier.ts';
import { maxCharterLength } from '../dao/text-limits.ts';
import { proposalKindName, rulesSchema, votingModeSchema } from './rules.ts';

export const recordKinds = [
  'dao.genesis',
  'device.delegate',
  'device.revoke',
  'proposal.create',
  'proposal.withdraw',
  'vote',
  'tally.sign',
  'member.ragequit',
  'group.key',
  'invite.revoke',
] as const;

export type RecordKind = (typeof recordKinds)[number];

export function isRecordKind(kind: string): kind is RecordKind {
  return (recordKinds as readonly string[]).includes(kind);
}

export const maxNameLength = 80;
export const maxTitleLength = 200;

export function bytesOf(length: number) {
  return z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length === length, { message: `expected ${length} bytes` });
}

export const addressSchema = bytesOf(20).transform((bytes) => addressFromBytes(bytes));
export const recordIdSchema = bytesOf(32).transform((bytes) => recordIdFromHash(bytes));
const text = (max: number) => z.string().max(max);

export const genesisBodySchema = z.strictObject({
  name: text(maxNameLength).min(1),
  charter: text(maxCharterLength),
  founders: z.array(addressSchema).min(1).max(1000),
  rules: rulesSchema,
  /** Makes two DAOs with the same founders and rules two different DAOs (the id is the genesis hash). */
  nonce: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length >= 8 && value.length <= 32, { message: 'expected 8 to 32 bytes' }),
});

const deviceFields = {
  device: bytesOf(32),
  /**
   * The libp2p peer id (multihash bytes) of the node that holds this device key: the DAO's other nodes sync
   * with that peer as one of the member's, on the strength of this record (DESIGN.md §5).
   */
  node: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length >= 2 && value.length <= 64, { message: 'expected a peer id' }).optional(),
  /**
   * The node's own signature, by its libp2p key, of core/dao/device-delegation.ts nodeClaimMessage: that node
   * agrees it runs this device. Nodes take `node` only with it (electron-main/host/dao-replica.ts).
   */
  nodeProof: bytesOf(64).optional(),
};

/** A delegation's key may not be a point of small order, for which anyone can make a signature that verifies (verifier.ts). */
export const deviceBodySchema = z.strictObject({ ...deviceFields, device: deviceFields.device.refine(isSoundEd25519Key, 'not a usable Ed25519 key') });

/** A revocation may name any key: revoking is always safe (one of a key never delegated is evidence). */
export const deviceRevokeBodySchema = z.strictObject(deviceFields);

export const proposalBodySchema = z.strictObject({
  kind: proposalKindName,
  title: text(maxTitleLength).min(1),
  /** Checked by the proposal kind's own schema (proposal-kinds.ts). */
  params: z.custom<RecordBody>((value) => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array), {
    message: 'expected a map',
  }),
  voting: votingModeSchema.optional(),
});

export const withdrawBodySchema = z.strictObject({ proposal: recordIdSchema });

export const voteBodySchema = z.strictObject({
  proposal: recordIdSchema,
  choice: z.enum(['yes', 'no', 'abstain']),
  /** Quadratic ballots only: n votes, costing n² voice credits. */
  votes: z.int().min(0).max(1_000_000).optional(),
});

/** The tally certificate a member signs: the proposal, exactly the votes counted (ids sorted), the outcome. */
export const tallySignBodySchema = z.strictObject({
  proposal: recordIdSchema,
  votes: z
    .array(bytesOf(32))
    .max(1000)
    .refine((ids) => ids.every((id, index) => index === 0 || compareBytes(ids[index - 1]!, id) < 0), 'vote ids are not sorted without repeats')
    .transform((ids) => ids.map((id) => recordIdFromHash(id))),
  outcome: z.enum(['passed', 'rejected']),
});

export const ragequitBodySchema = z.strictObject({});

/** Boxes per `group.key` record: a dozen members fit easily; a DAO of more writes several records (16 KiB each). */
export const maxKeyBoxes = 100;

/**
 * The DAO's group key for one membership epoch, sealed to each member's key (core/sync/key-box.ts). The fold
 * checks the shape, that a current member wrote it and that the epoch is the one its author was in
 * (group-epoch.ts); which key wins an epoch is the host's business.
 */
export const groupKeyBodySchema = z.strictObject({
  epoch: bytesOf(16),
  /** The key's SHA-256 (core/sync/key-box.ts groupKeyCommitment); 8 bytes of it in records of the first versions. */
  key: z.union([bytesOf(32), bytesOf(8)]),
  boxes: z.array(z.strictObject({ member: bytesOf(20), ephemeral: bytesOf(33), sealed: bytesOf(48) })).min(1).max(maxKeyBoxes),
});

/** Revokes an invite code (its id: the SHA-256 of the code's bytes): every node of the DAO refuses it after. */
export const inviteRevokeBodySchema = z.strictObject({ invite: bytesOf(32) });

export type GenesisBody = z.infer<typeof genesisBodySchema>;
export type ProposalBody = z.infer<typeof proposalBodySchema>;
export type VoteBody = z.infer<typeof voteBodySchema>;
export type TallySignBody = z.infer<typeof tallySignBodySchema>;
export type GroupKeyBody = z.infer<typeof groupKeyBodySchema>;

/** One line naming the first problem, for evidence. */
export function schemaProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
