// The bridge between the UI and the host: one typed interface, carried by Electron IPC or a WebSocket.
// Every method's params and result are schemas, so both ends validate what crosses.
import { z } from 'zod';
import { maxCharterLength, maxRelativePositionChars, maxTextChars, maxTextDelete, maxTextOps } from '../dao/text-limits.ts';
import { maxInviteLifetimeMs } from '../sync/invite.ts';
import { checksumAddress } from '../identity/member-key.ts';

/**
 * Free text from a caller. A lone UTF-16 surrogate (JSON allows "\ud800") has no UTF-8 form: the host would keep
 * it in memory while the bytes it signs and gossips carry U+FFFD, so its node would show another text than its
 * peers and than itself after a restart. With the u flag a paired surrogate reads as one character, so this
 * finds only lone ones (String.prototype.isWellFormed is ES2024, past this code's target).
 */
const loneSurrogate = /\p{Surrogate}/u;
const FreeText = z.string().refine((text) => !loneSurrogate.test(text), 'well-formed Unicode text, without a lone UTF-16 surrogate (half of a character such as an emoji)');

const addressPattern = /^0x[0-9a-fA-F]{40}$/;
export const Address = z.string().regex(addressPattern, 'an Ethereum address (0x and 40 hex digits)');
/**
 * An address a person typed or pasted: in mixed case its EIP-55 checksum must hold, since a wrong one means a
 * mistyped digit, which would otherwise name someone else (all lower or all upper case carries no checksum).
 * Checked on what callers send, not on every address in the host's answers (a keccak each).
 */
export const TypedAddress = Address.refine(
  (address) => {
    // Zod runs this even when the pattern above failed: such a string is left to the pattern's issue.
    if (!addressPattern.test(address)) return true;
    const hex = address.slice(2);
    return hex === hex.toLowerCase() || hex === hex.toUpperCase() || checksumAddress(address) === address;
  },
  { message: 'an address whose mixed-case checksum (EIP-55) holds: a digit or letter in it is wrong' },
);
export const Passphrase = FreeText.min(8, 'a passphrase of at least 8 characters').max(1024);
export const RecoveryPhrase = FreeText.min(1).max(1024);

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
  /**
   * The identity was created here and the user has not yet confirmed writing its recovery phrase down
   * (identity.confirmBackup); kept across restarts. (False from a node of an earlier version, which does not send it.)
   */
  backupPending: z.boolean().default(false),
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

const Bps = z.number().int().min(0).max(10_000);

/** A voting mode in the bridge's terms: its name and its numbers (0 where the mode has no such number). */
export const VotingModeView = z.object({
  votingMode: VotingModeName,
  /** Share of members that must vote (majority, reputation, quadratic), in basis points. */
  quorumBps: Bps,
  /** Share of yes among yes + no needed to pass, in basis points. */
  thresholdBps: Bps,
  /** Lazy consensus: objections (no) from this share of members reject. */
  objectionBps: Bps,
  creditsPerEpoch: z.number().int().min(0).max(1_000_000),
  /** Quadratic voting: how long an epoch of voice credits lasts. */
  epochMs: z.number().int().min(0),
});
export type VotingModeView = z.infer<typeof VotingModeView>;

/** Proposal kinds that vote in a mode of their own; the kinds left out vote in the DAO's mode. */
export const VotingByKindView = z.partialRecord(ProposalKind, VotingModeView);
export type VotingByKindView = z.infer<typeof VotingByKindView>;

/** The DAO's rules: its voting mode (the fields of VotingModeView), per-kind overrides, and the rest. */
export const DaoRulesView = VotingModeView.extend({
  /** In a rules change this is the whole new map: a kind left out goes back to the DAO's mode. */
  votingByKind: VotingByKindView,
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
  /** Always true under lazy consensus, which has no quorum (see `objections`). */
  quorumMet: z.boolean(),
  /** What the votes so far would give if the vote closed now. */
  outcome: z.enum(['passed', 'rejected']),
  reason: z.string(),
  /**
   * Lazy consensus: how many objections (`no`) reject the proposal, `objectionBps` of the `electorate` members who
   * may vote on it, and at least one. Null in the other modes. (Null from a node of an earlier version.)
   */
  objections: z.object({ toReject: z.number().int().min(1), objectionBps: Bps, electorate: z.number().int().min(0) }).nullable().default(null),
});

/**
 * Controls that change the direction of the text after them (embeddings, overrides, isolates): in a name or a
 * title they make it read reversed or out of place (an address-like name shown backwards), so a caller may not
 * put them there. Peers' records may still carry them; the screens show such text isolated.
 */
const directionControl = /[\u202A-\u202E\u2066-\u2069]/u;
/**
 * What shows as nothing: format characters (zero-width spaces, joiners, direction marks), spaces, controls,
 * combining marks with no letter to sit on, and the letters and symbols drawn blank (Hangul fillers, the blank
 * Braille pattern). A label of only these shows as blank.
 */
const nothingVisible = /^[\p{Cf}\p{Z}\p{Cc}\p{M}\s\u115F\u1160\u3164\uFFA0\u2800]*$/u;
/**
 * Controls (line breaks, tabs, C0 and C1 codes): a label is shown on one line, in lists and in a terminal, where a
 * line break would pass a second line off as another entry. Direction marks (U+200E, U+200F, U+061C) stay allowed:
 * a name mixing right-to-left and left-to-right scripts may need them, and they move no more than the neutral
 * characters beside them (the screens show names isolated).
 */
const controlCharacter = /\p{Cc}/u;

/** A one-line label a person types: trimmed, something visible in it, no controls or direction controls. */
function label(what: string, max: number) {
  return FreeText.trim()
    .min(1, what)
    .max(max)
    .refine((text) => text.length === 0 || !nothingVisible.test(text), { message: 'text with something visible in it', params: { problem: 'invisible' } })
    .refine((text) => !controlCharacter.test(text), { message: 'text on one line, without line breaks, tabs or other control characters', params: { problem: 'control' } })
    .refine((text) => !directionControl.test(text), { message: 'text without direction controls (U+202A-U+202E, U+2066-U+2069)', params: { problem: 'direction' } });
}

export type LabelProblem = 'invisible' | 'control' | 'direction';

/** Which of `label`'s own checks an issue is, for forms that word it. */
function labelProblem(issue: z.core.$ZodIssue): LabelProblem | null {
  const problem = issue.code === 'custom' ? (issue.params as { problem?: unknown } | undefined)?.problem : undefined;
  return problem === 'invisible' || problem === 'control' || problem === 'direction' ? problem : null;
}

/** What a form says of a refused name or title, the most telling first: too long, direction controls, controls, else empty. */
export function labelRefusal(issues: readonly z.core.$ZodIssue[]): 'tooLong' | 'direction' | 'control' | 'required' {
  if (issues.some((issue) => issue.code === 'too_big')) return 'tooLong';
  const problems = issues.map(labelProblem);
  if (problems.includes('direction')) return 'direction';
  return problems.includes('control') ? 'control' : 'required';
}

const Name = label('a name', 80);
const Title = label('a title', 200);

/** What the fold's kinds take (core/governance/proposal-kinds.ts): views name every proposal the fold counts. */
const maxAmount = 1e12;

export const ProposalParams = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member.add'), member: TypedAddress, shares: z.number().int().min(0).max(maxAmount) }),
  z.object({ kind: z.literal('member.remove'), member: TypedAddress }),
  z.object({ kind: z.literal('rules.change'), rules: DaoRulesView.partial() }),
  z.object({ kind: z.literal('reputation.grant'), member: TypedAddress, points: z.number().int().min(1).max(maxAmount) }),
  z.object({ kind: z.literal('signal'), text: FreeText.max(2000) }),
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
  /** The mode this proposal votes in, with its numbers (its kind's own, or the DAO's). Null from a node of an earlier version. */
  voting: VotingModeView.nullable().default(null),
  createdAt: z.number().int(),
  votingEndsAt: z.number().int(),
  /** Set once the outcome is final and it passed. */
  executesAt: z.number().int().nullable(),
  tally: TallyView,
  myVote: z.object({ choice: VoteChoice, votes: z.number().int() }).nullable(),
  /**
   * Quadratic: the voice credits this member's ballot here may cost (its creation epoch's credits, less what their
   * ballots on that epoch's other quadratic proposals spend; a changed ballot replaces its own). Null otherwise.
   */
  myCredits: z.number().int().nullable(),
  /** Signatures on the leading tally certificate and how many make it final. */
  certificate: z.object({ signatures: z.number().int(), needed: z.number().int(), final: z.boolean(), signedByMe: z.boolean() }).nullable(),
  canRageQuit: z.boolean(),
});
export type ProposalView = z.infer<typeof ProposalView>;

/**
 * Standard base64: the alphabet, then at most two '=', in whole quads. Checked with a plain character class and
 * the length, not a pattern of repeated quads: V8's regexp engine recurses per repetition of a group and
 * overflows its stack on a few megabytes, which a large DAO's dao.sync answer is.
 */
const base64Characters = /^[A-Za-z0-9+/]*={0,2}$/;

export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && base64Characters.test(text);
}

/** Bytes as standard base64 (JSON carries no bytes). */
export const Base64 = z.string().refine(isBase64, 'base64');

/**
 * A Yjs state vector holds one (client id, clock) pair per writer session that ever wrote to the document, at
 * most about 10 bytes each. 512 KiB of base64 holds about 39,000 of them and stays well inside a bridge frame.
 * Whether the bytes decode as a state vector is the host's check (it keeps Yjs out of this contract).
 */
export const maxStateVectorChars = 512 * 1024;

export const StateVector = Base64.max(maxStateVectorChars, 'a state vector of at most 512 KiB');

export const EvidenceView = z.object({ recordId: RecordId, kind: z.string(), author: Address, reason: z.string() });

/**
 * A member who left (rage quit) or was removed, with their claim on the books as it was then: `shares` of
 * `totalShares` (the exact numbers payouts use), `claimBps` rounded down. `source` is the rage quit record or the
 * removal proposal; `duringGraceOf`, passed proposals they had voted against whose grace period the rage quit fell in.
 */
export const ExitView = z.object({
  member: Address,
  reason: z.enum(['ragequit', 'removed']),
  shares: z.number().int().min(0),
  totalShares: z.number().int().min(0),
  claimBps: Bps,
  at: z.number().int(),
  source: RecordId,
  duringGraceOf: z.array(RecordId),
});
export type ExitView = z.infer<typeof ExitView>;

export const DaoSummary = z.object({
  id: DaoId,
  name: z.string(),
  members: z.number().int(),
  memberCap: z.number().int(),
  isMember: z.boolean(),
  openProposals: z.number().int(),
  /**
   * Results waiting for this member's signature: proposals whose voting period is over, whose result is not final
   * yet and that this member has not signed (dao-view.ts awaitsSignature); 0 when not a member. (0 from a node of an
   * earlier version, which does not send it.)
   */
  resultsToSign: z.number().int().min(0).default(0),
});
export type DaoSummary = z.infer<typeof DaoSummary>;

export const DaoView = DaoSummary.omit({ members: true }).extend({
  charter: z.string(),
  rules: DaoRulesView,
  members: z.array(DaoMemberView),
  memberCount: z.number().int(),
  /** True when the DAO is within two members of its cap: time to suggest a sub-DAO or an alliance. */
  nearCap: z.boolean(),
  /**
   * The signatures a result needs now: the rule (`rules.signatureThreshold`) clamped to more than half of the
   * members and to at most all of them, as membership changed since it was set.
   */
  signaturesNeeded: z.number().int().min(1),
  proposals: z.array(ProposalView),
  /** The first ignored records (at most 1,000, `evidenceInView`) in canonical order: `dao.evidence` pages through them all. */
  evidence: z.array(EvidenceView),
  /** How many ignored records the DAO keeps. */
  evidenceTotal: z.number().int().min(0),
  /** Who left and with what claim, in the order they left (a member admitted again may leave twice). */
  exits: z.array(ExitView),
  /** Quadratic voting: my voice credits left in the current epoch. */
  myCredits: z.number().int().nullable(),
  /**
   * A passed proposal removing this member that has not taken effect here yet: in its grace period only a rage quit
   * counts, and past `executesAt` the others count the member removed once one of them writes, while this node
   * (refused by them) may not hear of it. Null otherwise, and from a node of an earlier version.
   */
  myRemoval: z.object({ proposal: RecordId, executesAt: z.number().int().nullable() }).nullable().default(null),
  stateHash: z.string(),
  records: z.number().int(),
});
export type DaoView = z.infer<typeof DaoView>;


/** An invite code as `daomesh dao invite` prints it (core/sync/invite.ts checks it properly). */
export const InviteCode = FreeText.trim().min(16, 'an invite code').max(4096);

export const DaoSyncStatus = z.object({
  dao: DaoId,
  state: z.enum(['offline', 'syncing', 'in-sync']),
  peers: z.array(z.string()),
  progress: z.object({ received: z.number().int(), expected: z.number().int() }).nullable(),
  lastSyncAt: z.number().int().nullable(),
  lastError: z.string().nullable(),
  /** Members whose nodes are connected to this one now (presence), this node's own member included when a member. */
  online: z.array(Address),
  /**
   * Records this node holds back because they claim a time more than 10 minutes ahead of its clock (their
   * authors' clocks run ahead, or this one behind); they count once this clock gets there. Null when none.
   */
  held: z.object({ count: z.number().int(), latest: z.number().int(), authors: z.array(Address) }).nullable(),
  /**
   * This node's member has left the DAO or was removed, by this node's records: the node keeps the DAO's records
   * (it stays readable) and starts no sync for it; `state` is then not `in-sync`. (False from a node of an earlier
   * version, which does not send it.)
   */
  left: z.boolean().default(false),
  /**
   * Of `peers`, those that refused to sync with this node as not one of the DAO's nodes (NOT_A_MEMBER: their
   * records say this node's member left, or they lack its device's delegation); asked again after a pause. (Empty
   * for a node of an earlier version, which does not send it.)
   */
  refusedBy: z.array(z.string()).default([]),
});
export type DaoSyncStatus = z.infer<typeof DaoSyncStatus>;

/** A collaborative text of a DAO: its live charter, or a proposal draft (core/dao/dao-doc.ts TextName). */
export const TextNameParam = z.string().regex(/^(charter|draft:[A-Za-z0-9_-]{1,64})$/, "'charter' or 'draft:<id>' (1-64 letters, digits, _ or -)");

/**
 * One splice of a text: at a position, delete `delete` characters, insert `insert`. The position is a Yjs
 * relative position made on the caller's replica (Y.encodeRelativePosition, base64), which stays on the same
 * character when the host's text has moved on; or an index into the host's text, for callers without a replica.
 * Every position of one edit refers to the text as the caller saw it; splices come in text order.
 */
export const TextOp = z
  .object({
    at: z.union([z.number().int().min(0).max(maxTextDelete), Base64.min(1).max(maxRelativePositionChars)]),
    delete: z.number().int().min(0).max(maxTextDelete).default(0),
    insert: FreeText.max(maxTextChars).default(''),
  })
  .strict();
export type TextOp = z.input<typeof TextOp>;

export const TextOps = z
  .array(TextOp)
  .min(1)
  .max(maxTextOps)
  .refine((ops) => ops.reduce((total, op) => total + (op.insert?.length ?? 0), 0) <= maxTextChars, `edits inserting at most ${maxTextChars.toLocaleString('en')} characters in all`);

/**
 * The longest voting or grace period a DAO may be founded with, and that the UI's rules-change form sets. A rules
 * change through the bridge may go further, as the fold does (ten years, rules.ts): the CLI's rules change does.
 */
export const maxNewDaoPeriodMs = 90 * 24 * 3600 * 1000;
/** The most votes one quadratic ballot may put on a proposal (a million credits' worth). */
export const maxBallotVotes = 1000;

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
    params: z.object({ passphrase: FreeText.min(1).max(1024) }).strict(),
    result: z.object({ address: Address }),
  },
  'identity.lock': { params: Empty, result: z.object({}) },
  /** Shows the recovery phrase again; asks for the passphrase so an unattended window cannot. */
  'identity.backup': {
    params: z.object({ passphrase: FreeText.min(1).max(1024) }).strict(),
    result: z.object({ phrase: z.string() }),
  },
  /**
   * The user has written the recovery phrase down: node.status stops reporting `backupPending`. Takes no
   * passphrase, since it reveals nothing.
   */
  'identity.confirmBackup': { params: Empty, result: z.object({}) },
  'dao.list': { params: Empty, result: z.array(DaoSummary) },
  /** DAOs whose files are on this node but could not be opened (damaged), with why and what to do. */
  'dao.unopenable': { params: Empty, result: z.array(z.object({ dao: DaoId, message: z.string(), hint: z.string().optional() })) },
  /** Founds a DAO; the caller is a founder, with `founders` as the others. */
  'dao.create': {
    params: z
      .object({
        name: Name,
        charter: FreeText.max(maxCharterLength).default(''),
        preset: RulePreset,
        founders: z.array(TypedAddress).max(50).default([]),
        memberCap: z.number().int().min(2).max(100).optional(),
        votingPeriodMs: z.number().int().min(1000).max(maxNewDaoPeriodMs).optional(),
        gracePeriodMs: z.number().int().min(0).max(maxNewDaoPeriodMs).optional(),
        votingByKind: VotingByKindView.optional(),
      })
      .strict(),
    result: z.object({ dao: DaoId }),
  },
  /** The DAO's state as the host folds it, for the CLI; the UI folds its own replica (dao.sync). */
  'dao.get': { params: z.object({ dao: DaoId }).strict(), result: DaoView },
  /** The records the DAO ignores, with why, `limit` of them (at most 1,000) from `offset` in canonical order. */
  'dao.evidence': {
    params: z.object({ dao: DaoId, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(1000) }).strict(),
    result: z.object({ total: z.number().int().min(0), offset: z.number().int().min(0), evidence: z.array(EvidenceView) }),
  },
  /**
   * What the UI's replica of a DAO lacks: the Yjs update from the replica's state vector to the host's document
   * (Y.encodeStateAsUpdate). Everything in it passed the host's update gate.
   */
  'dao.sync': { params: z.object({ dao: DaoId, stateVector: StateVector }).strict(), result: z.object({ update: Base64 }) },
  'dao.propose': {
    params: z.object({ dao: DaoId, title: Title, params: ProposalParams }).strict(),
    result: z.object({ proposal: RecordId }),
  },
  'dao.vote': {
    params: z.object({ dao: DaoId, proposal: RecordId, choice: VoteChoice, votes: z.number().int().min(1).max(maxBallotVotes).optional() }).strict(),
    result: z.object({ record: RecordId }),
  },
  /**
   * Whether this node refuses to sign the proposal's result because it first received the proposal after its voting
   * period (nobody here could vote on it): `late` gives both times, null when that is not so (or not known).
   */
  'dao.signingRefusal': {
    params: z.object({ dao: DaoId, proposal: RecordId }).strict(),
    result: z.object({ late: z.object({ receivedAt: z.number(), votingEndsAt: z.number() }).nullable() }),
  },
  /** Signs the tally certificate an honest member would sign now (after the voting period). */
  'dao.signTally': { params: z.object({ dao: DaoId, proposal: RecordId }).strict(), result: z.object({ record: RecordId }) },
  'dao.withdraw': { params: z.object({ dao: DaoId, proposal: RecordId }).strict(), result: z.object({ record: RecordId }) },
  /** Leaves the DAO with the member's pro-rata share; cannot be undone. */
  /** `exit`: the claim this member leaves with, as this node's fold places the rage quit (null only if it did not place it). */
  'dao.rageQuit': { params: z.object({ dao: DaoId }).strict(), result: z.object({ record: RecordId, exit: ExitView.nullable() }) },
  /** An invite code for a new device: it may sync the DAO until it expires (default 7 days); membership needs a passed member.add. */
  'dao.invite': {
    params: z.object({ dao: DaoId, expiresInMs: z.number().int().min(1000).max(maxInviteLifetimeMs).optional() }).strict(),
    result: z.object({ code: InviteCode, invite: RecordId, expires: z.number().int() }),
  },
  /**
   * Revokes an invite: by its id when this node issued it, or by its whole code (any node's invite to this DAO).
   * Returns the id revoked.
   */
  'dao.revokeInvite': { params: z.object({ dao: DaoId, invite: z.union([RecordId, InviteCode]) }).strict(), result: z.object({ invite: RecordId }) },
  /** Joins a DAO with an invite code: connects to the inviter's node and receives the whole history. */
  /**
   * `alreadyHeld`: the DAO was on this node before (a join then only syncs; with this node's own invite it does
   * not even dial); `member`: whether this node's member is a member of the DAO as it stands after the join.
   */
  'dao.join': {
    params: z.object({ code: InviteCode }).strict(),
    result: z.object({ dao: DaoId, received: z.number().int(), alreadyHeld: z.boolean(), member: z.boolean() }),
  },
  /** How the DAO is syncing: state, the DAO's nodes we are connected to, progress. */
  'dao.peers': { params: z.object({ dao: DaoId }).strict(), result: DaoSyncStatus },
  /**
   * Edits a collaborative text (the live charter or a draft): the host applies the splices as one Yjs update,
   * signs it with this device and gossips it like any write. Members only; a text grows to at most 20,000 characters.
   */
  'dao.editText': {
    params: z.object({ dao: DaoId, text: TextNameParam, ops: TextOps }).strict(),
    result: z.object({ length: z.number().int() }),
  },
  /** A collaborative text as the host holds it ('' for one nobody wrote yet). */
  'dao.text': { params: z.object({ dao: DaoId, text: TextNameParam }).strict(), result: z.object({ text: z.string() }) },
  /** The texts of a DAO that hold something: the charter and the drafts, with their lengths. */
  'dao.texts': {
    params: z.object({ dao: DaoId }).strict(),
    result: z.array(z.object({ name: TextNameParam, length: z.number().int() })),
  },
} as const;

export type BridgeMethod = keyof typeof bridgeMethods;
export type BridgeParams<M extends BridgeMethod> = z.input<(typeof bridgeMethods)[M]['params']>;
export type BridgeResult<M extends BridgeMethod> = z.output<(typeof bridgeMethods)[M]['result']>;

export const bridgeEvents = {
  /** Pushed whenever identity, listening addresses or peers change. */
  'node.status': NodeStatus,
  /** A DAO's state changed (a record was added): the UI asks for what it lacks with dao.sync, the CLI with dao.get. */
  'dao.changed': z.object({ dao: DaoId }),
  /** A DAO's sync state changed (peers came or went, a session started, made progress or ended). */
  'dao.syncStatus': DaoSyncStatus,
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
