// The bridge between the UI and the host: one typed interface, carried by Electron IPC or a WebSocket.
// Every method's params and result are schemas, so both ends validate what crosses.
import { z } from 'zod';

export const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an Ethereum address (0x and 40 hex digits)');
export const Passphrase = z.string().min(8, 'a passphrase of at least 8 characters').max(1024);
export const RecoveryPhrase = z.string().min(1).max(1024);

export const Peer = z.object({
  peerId: z.string(),
  addrs: z.array(z.string()),
});
export type Peer = z.infer<typeof Peer>;

export const IdentityState = z.enum(['none', 'locked', 'unlocked']);
export type IdentityState = z.infer<typeof IdentityState>;

export const NodeStatus = z.object({
  version: z.string(),
  identity: IdentityState,
  /** The member address; known while locked too (it is public), null before an identity exists. */
  address: Address.nullable(),
  peerId: z.string(),
  listen: z.array(z.string()),
  peers: z.array(Peer),
  mdns: z.boolean(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

const Empty = z.object({}).strict();

/** A record or DAO id: base64url SHA-256, 43 characters. */
export const RecordId = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a record id (43 base64url characters)');
export const DaoId = RecordId;

export const VotingModeName = z.enum(['majority', 'reputation', 'quadratic', 'lazy']);
export const RulePreset = z.enum(['simple-majority', 'supermajority', 'quadratic', 'reputation-weighted', 'lazy-consensus']);
export type RulePreset = z.infer<typeof RulePreset>;
export const IncomeSplit = z.enum(['equal', 'shares', 'reputation']);
export const ProposalKind = z.enum(['member.add', 'member.remove', 'rules.change', 'reputation.grant', 'signal']);
export type ProposalKind = z.infer<typeof ProposalKind>;
export const VoteChoice = z.enum(['yes', 'no', 'abstain']);
export const ProposalStatus = z.enum(['open', 'closed', 'passed', 'rejected', 'executed', 'failed', 'withdrawn']);

export const DaoRulesView = z.object({
  votingMode: VotingModeName,
  /** Share of members that must vote (majority, reputation, quadratic), in basis points. */
  quorumBps: z.number().int(),
  /** Share of yes among yes + no needed to pass, in basis points. */
  thresholdBps: z.number().int(),
  /** Lazy consensus: objections (no) from this share of members reject. */
  objectionBps: z.number().int(),
  creditsPerEpoch: z.number().int(),
  /** Quadratic voting: how long an epoch of voice credits lasts. */
  epochMs: z.number().int(),
  votingPeriodMs: z.number().int(),
  gracePeriodMs: z.number().int(),
  memberCap: z.number().int(),
  signatureThreshold: z.number().int(),
  reputationHalfLifeMs: z.number().int().nullable(),
  income: z.object({ treasuryBps: z.number().int(), split: IncomeSplit }),
});
export type DaoRulesView = z.infer<typeof DaoRulesView>;

export const DaoMemberView = z.object({
  address: Address,
  shares: z.number().int(),
  /** Reputation now, after decay, in whole points. */
  reputation: z.number().int(),
});

export const TallyView = z.object({
  yes: z.number(),
  no: z.number(),
  abstain: z.number(),
  voters: z.number().int(),
  quorumMet: z.boolean(),
  /** What the votes so far would give if the vote closed now. */
  outcome: z.enum(['passed', 'rejected']),
  reason: z.string(),
});

const Name = z.string().trim().min(1, 'a name').max(80);
const Title = z.string().trim().min(1, 'a title').max(200);

export const ProposalParams = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member.add'), member: Address, shares: z.number().int().min(0).max(1_000_000) }),
  z.object({ kind: z.literal('member.remove'), member: Address }),
  z.object({ kind: z.literal('rules.change'), rules: DaoRulesView.partial() }),
  z.object({ kind: z.literal('reputation.grant'), member: Address, points: z.number().int().min(1).max(1_000_000) }),
  z.object({ kind: z.literal('signal'), text: z.string().max(2000) }),
]);
export type ProposalParams = z.infer<typeof ProposalParams>;

export const ProposalView = z.object({
  id: RecordId,
  kind: ProposalKind,
  title: z.string(),
  /** The proposal's parameters in words (English), for lists; `params` lets the UI word them itself. */
  summary: z.string(),
  params: ProposalParams.nullable(),
  author: Address,
  status: ProposalStatus,
  /** Why a passed proposal's effect could not apply (status failed). */
  failure: z.string().nullable(),
  votingMode: VotingModeName,
  createdAt: z.number().int(),
  votingEndsAt: z.number().int(),
  /** Set once the outcome is final and it passed. */
  executesAt: z.number().int().nullable(),
  tally: TallyView,
  myVote: z.object({ choice: VoteChoice, votes: z.number().int() }).nullable(),
  /** Signatures on the leading tally certificate and how many make it final. */
  certificate: z.object({ signatures: z.number().int(), needed: z.number().int(), final: z.boolean(), signedByMe: z.boolean() }).nullable(),
  canRageQuit: z.boolean(),
});
export type ProposalView = z.infer<typeof ProposalView>;

export const EvidenceView = z.object({ recordId: RecordId, kind: z.string(), author: Address, reason: z.string() });

export const DaoSummary = z.object({
  id: DaoId,
  name: z.string(),
  members: z.number().int(),
  memberCap: z.number().int(),
  isMember: z.boolean(),
  openProposals: z.number().int(),
});
export type DaoSummary = z.infer<typeof DaoSummary>;

export const DaoView = DaoSummary.omit({ members: true }).extend({
  charter: z.string(),
  rules: DaoRulesView,
  members: z.array(DaoMemberView),
  memberCount: z.number().int(),
  /** True when the DAO is within two members of its cap: time to suggest a sub-DAO or an alliance. */
  nearCap: z.boolean(),
  proposals: z.array(ProposalView),
  evidence: z.array(EvidenceView),
  /** Quadratic voting: my voice credits left in the current epoch. */
  myCredits: z.number().int().nullable(),
  stateHash: z.string(),
  records: z.number().int(),
});
export type DaoView = z.infer<typeof DaoView>;


export const bridgeMethods = {
  'node.status': { params: Empty, result: NodeStatus },
  'peers.list': { params: Empty, result: z.array(Peer) },
  /** Makes a new member key; the phrase comes back once so the user can write it down. */
  'identity.create': {
    params: z.object({ passphrase: Passphrase }).strict(),
    result: z.object({ address: Address, phrase: z.string() }),
  },
  'identity.restore': {
    params: z.object({ phrase: RecoveryPhrase, passphrase: Passphrase }).strict(),
    result: z.object({ address: Address }),
  },
  'identity.unlock': {
    params: z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
    result: z.object({ address: Address }),
  },
  'identity.lock': { params: Empty, result: z.object({}) },
  /** Shows the recovery phrase again; asks for the passphrase so an unattended window cannot. */
  'identity.backup': {
    params: z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
    result: z.object({ phrase: z.string() }),
  },
  'dao.list': { params: Empty, result: z.array(DaoSummary) },
  /** Founds a DAO; the caller is a founder, with `founders` as the others. */
  'dao.create': {
    params: z
      .object({
        name: Name,
        charter: z.string().max(4000).default(''),
        preset: RulePreset,
        founders: z.array(Address).max(50).default([]),
        memberCap: z.number().int().min(2).max(100).optional(),
        votingPeriodMs: z.number().int().min(1000).max(90 * 24 * 3600 * 1000).optional(),
        gracePeriodMs: z.number().int().min(0).max(90 * 24 * 3600 * 1000).optional(),
      })
      .strict(),
    result: z.object({ dao: DaoId }),
  },
  'dao.get': { params: z.object({ dao: DaoId }).strict(), result: DaoView },
  'dao.propose': {
    params: z.object({ dao: DaoId, title: Title, params: ProposalParams }).strict(),
    result: z.object({ proposal: RecordId }),
  },
  'dao.vote': {
    params: z.object({ dao: DaoId, proposal: RecordId, choice: VoteChoice, votes: z.number().int().min(1).max(1000).optional() }).strict(),
    result: z.object({ record: RecordId }),
  },
  /** Signs the tally certificate an honest member would sign now (after the voting period). */
  'dao.signTally': { params: z.object({ dao: DaoId, proposal: RecordId }).strict(), result: z.object({ record: RecordId }) },
  'dao.withdraw': { params: z.object({ dao: DaoId, proposal: RecordId }).strict(), result: z.object({ record: RecordId }) },
  /** Leaves the DAO with the member's pro-rata share; cannot be undone. */
  'dao.rageQuit': { params: z.object({ dao: DaoId }).strict(), result: z.object({ record: RecordId }) },
} as const;

export type BridgeMethod = keyof typeof bridgeMethods;
export type BridgeParams<M extends BridgeMethod> = z.input<(typeof bridgeMethods)[M]['params']>;
export type BridgeResult<M extends BridgeMethod> = z.output<(typeof bridgeMethods)[M]['result']>;

export const bridgeEvents = {
  /** Pushed whenever identity, listening addresses or peers change. */
  'node.status': NodeStatus,
  /** A DAO's state changed (a record was added); fetch it again with dao.get. */
  'dao.changed': z.object({ dao: DaoId }),
} as const;

export type BridgeEvent = keyof typeof bridgeEvents;
export type BridgeEventData<E extends BridgeEvent> = z.output<(typeof bridgeEvents)[E]>;

export function isBridgeMethod(name: unknown): name is BridgeMethod {
  return typeof name === 'string' && Object.hasOwn(bridgeMethods, name);
}

/** What a UI holds: the same shape whether the host sits behind IPC or a WebSocket. */
export interface Bridge {
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  on<E extends BridgeEvent>(event: E, listener: (data: BridgeEventData<E>) => void): () => void;
}
