// Record builders for the host: typed input in, an UnsignedRecord out (sign it with signRecordAsMember or
// signRecordAsDevice). Each body is checked against the same schema the fold uses, so a host never signs a
// record the fold would call malformed.
import type { z } from 'zod';
import { DaomeshError } from '../errors.ts';
import { addressBytes, canonicalDeps, compareBytes, maxDeps, recordHashFromId, type RecordBody, type UnsignedRecord } from '../ledger/record.ts';
import type { Certificate } from './certificate.ts';
import { proposalKinds, type ProposalKinds } from './proposal-kinds.ts';
import type { KeyBox } from '../sync/key-box.ts';
import {
  deviceBodySchema,
  deviceRevokeBodySchema,
  genesisBodySchema,
  groupKeyBodySchema,
  inviteRevokeBodySchema,
  proposalBodySchema,
  ragequitBodySchema,
  schemaProblem,
  tallySignBodySchema,
  voteBodySchema,
  withdrawBodySchema,
} from './record-kinds.ts';
import type { Rules, VotingMode } from './rules.ts';
import type { Choice } from './tally.ts';

/** Who writes, where, on top of what, and when. `deps` are the ledger's current heads. */
export type RecordContext = {
  readonly dao: string;
  readonly author: string;
  readonly deps: readonly string[];
  readonly time: number;
  /** For a record signed by a delegated device key: the key and the id of its `device.delegate` record. */
  readonly device?: { readonly key: Uint8Array; readonly delegation: string };
  /**
   * The record the writer's Yjs client holds last, if any: always among the deps, also when the heads are
   * past it or past the limit (the gate's rule, core/dao/client-sequence.ts).
   */
  readonly previous?: string | null;
};

export type GenesisInput = {
  readonly author: string;
  readonly name: string;
  readonly charter: string;
  readonly founders: readonly string[];
  readonly rules: Rules;
  /** 8 to 32 random bytes, so two DAOs with the same founders and rules differ. */
  readonly nonce: Uint8Array;
  readonly time: number;
};

export type ProposalInput = {
  readonly kind: string;
  /** Typed params of the kind (e.g. { member, shares } for member.add). */
  readonly params: unknown;
  readonly title: string;
  readonly voting?: VotingMode;
};

export type VoteInput = { readonly proposal: string; readonly choice: Choice; readonly votes?: number };

function checked(schema: z.ZodType, body: RecordBody, what: string): RecordBody {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new DaomeshError('BAD_REQUEST', `That ${what} is not valid: ${schemaProblem(parsed.error)}.`);
  return body;
}

/** A DAO's first record: its hash is the DAO id. */
export function buildGenesis(input: GenesisInput): UnsignedRecord {
  const body = checked(
    genesisBodySchema,
    {
      name: input.name,
      charter: input.charter,
      founders: input.founders.map((founder) => addressBytes(founder)),
      rules: input.rules as unknown as RecordBody,
      nonce: input.nonce,
    },
    'DAO genesis',
  );
  return { dao: null, kind: 'dao.genesis', body, author: addressBytes(input.author), deps: [], time: input.time };
}

/** The heads, and the writer client's previous record; past the encoding's limit the heads that sort last (the next record picks up the rest). */
export function depsOf(context: Pick<RecordContext, 'deps' | 'previous'>): readonly string[] {
  const previous = context.previous ?? null;
  const heads = previous === null ? context.deps : context.deps.filter((id) => id !== previous);
  const room = previous === null ? maxDeps : maxDeps - 1;
  const kept = heads.length > room ? heads.slice(-room) : heads;
  return previous === null ? kept : [...kept, previous];
}

function build(context: RecordContext, kind: string, body: RecordBody): UnsignedRecord {
  const deps = depsOf(context);
  return {
    dao: recordHashFromId(context.dao),
    kind,
    body,
    author: addressBytes(context.author),
    deps: canonicalDeps(deps.map((id) => recordHashFromId(id))),
    time: context.time,
    device: context.device ? { key: context.device.key, delegation: recordHashFromId(context.device.delegation) } : undefined,
  };
}

/**
 * Lets `device` (an Ed25519 public key) sign for the author, on libp2p node `node` (with that node's `nodeProof`,
 * see deviceBodySchema). Signed with the member key itself.
 */
export function buildDeviceDelegation(context: RecordContext, device: Uint8Array, node?: Uint8Array, nodeProof?: Uint8Array): UnsignedRecord {
  const body: RecordBody = { device };
  if (node) body.node = node;
  if (node && nodeProof) body.nodeProof = nodeProof;
  return build(context, 'device.delegate', checked(deviceBodySchema, body, 'device delegation'));
}

export function buildDeviceRevocation(context: RecordContext, device: Uint8Array): UnsignedRecord {
  return build(context, 'device.revoke', checked(deviceRevokeBodySchema, { device }, 'device revocation'));
}

export function buildProposal(context: RecordContext, input: ProposalInput, kinds: ProposalKinds = proposalKinds()): UnsignedRecord {
  const spec = kinds.get(input.kind);
  if (!spec) throw new DaomeshError('BAD_REQUEST', `There is no proposal kind ${JSON.stringify(input.kind)}.`);
  const params = spec.encode(input.params);
  const parsed = spec.parse(params);
  if (!parsed.ok) throw new DaomeshError('BAD_REQUEST', `Those ${input.kind} params are not valid: ${parsed.problem}.`);
  const body: RecordBody = { kind: input.kind, params, title: input.title };
  if (input.voting) body.voting = input.voting as unknown as RecordBody;
  return build(context, 'proposal.create', checked(proposalBodySchema, body, 'proposal'));
}

export function buildWithdrawal(context: RecordContext, proposal: string): UnsignedRecord {
  return build(context, 'proposal.withdraw', checked(withdrawBodySchema, { proposal: recordHashFromId(proposal) }, 'withdrawal'));
}

export function buildVote(context: RecordContext, input: VoteInput): UnsignedRecord {
  const body: RecordBody = { proposal: recordHashFromId(input.proposal), choice: input.choice };
  if (input.votes !== undefined) body.votes = input.votes;
  return build(context, 'vote', checked(voteBodySchema, body, 'vote'));
}

/** Signs a tally certificate (see proposeCertificate for the one an honest member signs). Votes in any order. */
export function buildTallySignature(context: RecordContext, certificate: Certificate): UnsignedRecord {
  const body: RecordBody = {
    proposal: recordHashFromId(certificate.proposal),
    votes: certificate.votes.map((id) => recordHashFromId(id)).sort(compareBytes),
    outcome: certificate.outcome,
  };
  return build(context, 'tally.sign', checked(tallySignBodySchema, body, 'tally certificate'));
}

export function buildRagequit(context: RecordContext): UnsignedRecord {
  return build(context, 'member.ragequit', checked(ragequitBodySchema, {}, 'rage quit'));
}

export type GroupKeyInput = { readonly epoch: Uint8Array; readonly keyId: Uint8Array; readonly boxes: readonly KeyBox[] };

/** A group key for a membership epoch, sealed to members (core/sync/key-box.ts); also adds boxes for a key already out. */
export function buildGroupKey(context: RecordContext, input: GroupKeyInput): UnsignedRecord {
  const boxes = input.boxes.map((box) => ({ member: box.member, ephemeral: box.ephemeral, sealed: box.sealed }));
  return build(context, 'group.key', checked(groupKeyBodySchema, { epoch: input.epoch, key: input.keyId, boxes }, 'group key'));
}

/** Revokes the invite whose id (base64url SHA-256 of its code's bytes) is `invite`. */
export function buildInviteRevocation(context: RecordContext, invite: string): UnsignedRecord {
  return build(context, 'invite.revoke', checked(inviteRevokeBodySchema, { invite: recordHashFromId(invite) }, 'invite revocation'));
}
