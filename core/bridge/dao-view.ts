// The fold's state as the bridge shows it (api.ts): plain numbers, the bridge's names for voting modes and
// statuses, and what concerns the member looking at it (my vote, may I rage quit). The host derives its
// dao.get and dao.list answers with these functions and the UI derives the same views from its own replica,
// so both show the same DAO from the same records.
import { DaomeshError } from '../errors.ts';
import type { DaoState, ProposalView as FoldProposal } from '../governance/dao-state.ts';
import { rulesAfter, type RulesChangeParams } from '../governance/proposal-kinds.ts';
import { objectionsToReject } from '../governance/tally.ts';
import type { Rules, RulesChange, VotingMode } from '../governance/rules.ts';
import {
  ProposalKind,
  type DaoRulesView,
  type DaoSummary,
  type DaoView,
  type ExitView,
  type ProposalParams,
  type ProposalView,
  type VotingByKindView,
  type VotingModeView,
} from './api.ts';
import { inBridgeTerms, modeNames } from './mode-names.ts';


const statusNames = {
  open: 'open',
  'voting-closed': 'closed',
  passed: 'passed',
  rejected: 'rejected',
  executed: 'executed',
  failed: 'failed',
  withdrawn: 'withdrawn',
} as const;

/** Quadratic voting's defaults when a change names the mode without its numbers (the quadratic preset's). */
const defaultCreditsPerEpoch = 100;
const defaultEpochMs = 30 * 24 * 3600 * 1000;

export function votingModeView(mode: VotingMode): VotingModeView {
  return {
    votingMode: modeNames[mode.type],
    quorumBps: 'quorumBps' in mode ? mode.quorumBps : 0,
    thresholdBps: 'thresholdBps' in mode ? mode.thresholdBps : 0,
    objectionBps: mode.type === 'lazy-consensus' ? mode.objectionBps : 0,
    creditsPerEpoch: mode.type === 'quadratic' ? mode.creditsPerEpoch : 0,
    epochMs: mode.type === 'quadratic' ? mode.epochMs : 0,
  };
}

/** The fold's voting mode for one given in the bridge's terms (numbers a mode has no use for are dropped). */
export function votingModeFromView(view: VotingModeView): VotingMode {
  switch (view.votingMode) {
    case 'majority':
      return { type: 'one-member-one-vote', quorumBps: view.quorumBps, thresholdBps: view.thresholdBps };
    case 'reputation':
      return { type: 'reputation-weighted', quorumBps: view.quorumBps, thresholdBps: view.thresholdBps };
    case 'quadratic':
      return {
        type: 'quadratic',
        creditsPerEpoch: Math.max(1, view.creditsPerEpoch || defaultCreditsPerEpoch),
        epochMs: Math.max(1, view.epochMs || defaultEpochMs),
        quorumBps: view.quorumBps,
        thresholdBps: view.thresholdBps,
      };
    case 'lazy':
      return { type: 'lazy-consensus', objectionBps: view.objectionBps };
  }
}

function isBridgeKind(kind: string): kind is ProposalKind {
  return ProposalKind.safeParse(kind).success;
}

/** The per-kind overrides the bridge can name (kinds it does not know of are left out of the view). */
export function votingByKindView(byKind: Rules['votingByKind']): VotingByKindView {
  const view: VotingByKindView = {};
  for (const [kind, mode] of Object.entries(byKind)) {
    if (isBridgeKind(kind)) view[kind] = votingModeView(mode);
  }
  return view;
}

/**
 * The fold's per-kind overrides for the bridge's. Overrides of kinds the bridge cannot name are kept from
 * `current`, so a change made through the bridge never drops them unseen.
 */
export function votingByKindFromView(view: VotingByKindView, current: Rules['votingByKind'] = {}): Rules['votingByKind'] {
  const byKind: Rules['votingByKind'] = {};
  for (const [kind, mode] of Object.entries(current)) {
    if (!isBridgeKind(kind)) byKind[kind] = mode;
  }
  for (const kind of ProposalKind.options) {
    const mode = view[kind];
    if (mode) byKind[kind] = votingModeFromView(mode);
  }
  return byKind;
}

export function rulesView(rules: Rules): DaoRulesView {
  return {
    ...votingModeView(rules.voting),
    votingByKind: votingByKindView(rules.votingByKind),
    votingPeriodMs: rules.votingPeriodMs,
    gracePeriodMs: rules.gracePeriodMs,
    memberCap: rules.memberCap,
    signatureThreshold: rules.signatureThreshold,
    reputationHalfLifeMs: rules.reputationHalfLifeMs,
    income: { treasuryBps: rules.income.treasuryBps, split: rules.income.split },
  };
}

/** Applies a rules change given in the bridge's terms to the rules in force. */
export function rulesFromView(current: Rules, change: Partial<DaoRulesView>): Rules {
  const view = { ...rulesView(current), ...change };
  return {
    ...current,
    voting: votingModeFromView(view),
    votingByKind: change.votingByKind === undefined ? current.votingByKind : votingByKindFromView(change.votingByKind, current.votingByKind),
    votingPeriodMs: view.votingPeriodMs,
    gracePeriodMs: view.gracePeriodMs,
    memberCap: view.memberCap,
    signatureThreshold: view.signatureThreshold,
    reputationHalfLifeMs: view.reputationHalfLifeMs,
    income: { ...view.income },
  };
}

/**
 * A rules change given in the bridge's terms as the fold's change (rules.ts): only the rules the bridge names,
 * so that it applies on top of whatever rules are in force when it executes. A new voting mode is given whole
 * (numbers it needs that the bridge does not name come from the rules in force, as rulesFromView does); the
 * per-kind map, which the bridge gives whole, becomes the kinds whose mode it changes; the income policy, also
 * given whole, the fields that differ from the rules in force. Throws BAD_REQUEST when it changes nothing.
 */
export function rulesChangeFromView(current: Rules, change: Partial<DaoRulesView>): RulesChange {
  const diff: { -readonly [K in keyof RulesChange]: RulesChange[K] } = {};
  const mode = votingModeView(current.voting);
  if (change.votingMode !== undefined && change.votingMode !== mode.votingMode) {
    diff.voting = votingModeFromView({ ...mode, ...definedFields(change) });
  } else {
    const numbers: Record<string, number> = {};
    for (const key of ['quorumBps', 'thresholdBps', 'objectionBps', 'creditsPerEpoch', 'epochMs'] as const) {
      // A number the mode in force has no use for is dropped, as votingModeFromView drops it.
      if (change[key] !== undefined && Object.hasOwn(current.voting, key)) numbers[key] = change[key];
    }
    if (Object.keys(numbers).length > 0) diff.voting = numbers;
  }
  if (change.votingByKind !== undefined) {
    const wanted = votingByKindFromView(change.votingByKind, current.votingByKind);
    const byKind: Record<string, VotingMode | null> = {};
    for (const kind of new Set([...Object.keys(current.votingByKind), ...Object.keys(wanted)])) {
      const before = Object.hasOwn(current.votingByKind, kind) ? current.votingByKind[kind] : undefined;
      const after = Object.hasOwn(wanted, kind) ? wanted[kind] : undefined;
      if (!sameMode(before, after)) byKind[kind] = after ?? null;
    }
    if (Object.keys(byKind).length > 0) diff.votingByKind = byKind;
  }
  for (const key of ['votingPeriodMs', 'gracePeriodMs', 'memberCap', 'signatureThreshold', 'reputationHalfLifeMs'] as const) {
    if (change[key] !== undefined) (diff as Record<typeof key, unknown>)[key] = change[key];
  }
  if (change.income !== undefined) {
    const income: { treasuryBps?: number; split?: Rules['income']['split'] } = {};
    if (change.income.treasuryBps !== current.income.treasuryBps) income.treasuryBps = change.income.treasuryBps;
    if (change.income.split !== current.income.split) income.split = change.income.split;
    if (Object.keys(income).length > 0) diff.income = income;
  }
  if (Object.keys(diff).length === 0) throw new DaomeshError('BAD_REQUEST', 'These rules are already in force: the proposal would change nothing.');
  return diff;
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

function sameMode(a: VotingMode | undefined, b: VotingMode | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => (a as Record<string, unknown>)[key] === (b as Record<string, unknown>)[key]);
}

function summaryOf(proposal: FoldProposal): string {
  const params = proposal.params as Record<string, unknown> | null;
  switch (proposal.kind) {
    case 'member.add':
      return `Admit ${String(params?.member)} with ${String(params?.shares)} shares`;
    case 'member.remove':
      return `Remove ${String(params?.member)}`;
    case 'reputation.grant':
      return `Grant ${String(params?.points)} reputation to ${String(params?.member)}`;
    case 'rules.change':
      return 'Change the rules';
    case 'signal':
      return String(params?.text ?? '');
    default:
      return proposal.kind;
  }
}

const votingViewKeys = ['votingMode', 'quorumBps', 'thresholdBps', 'objectionBps', 'creditsPerEpoch', 'epochMs'] as const satisfies ReadonlyArray<keyof DaoRulesView>;
const plainRuleKeys = ['votingByKind', 'votingPeriodMs', 'gracePeriodMs', 'memberCap', 'signatureThreshold', 'reputationHalfLifeMs', 'income'] as const satisfies ReadonlyArray<
  keyof DaoRulesView & keyof RulesChange
>;

/** The rules (in the bridge's terms) a rules change names: a whole new mode names all its numbers; the first format names every rule. */
export function namedRuleKeys(params: RulesChangeParams): Array<keyof DaoRulesView> {
  if (!('change' in params)) return [...votingViewKeys, ...plainRuleKeys];
  const { change } = params;
  const keys: Array<keyof DaoRulesView> = [];
  if (change.voting !== undefined) {
    if ('type' in change.voting) keys.push(...votingViewKeys);
    else keys.push(...votingViewKeys.filter((key) => key !== 'votingMode' && (change.voting as Record<string, unknown>)[key] !== undefined));
  }
  for (const key of plainRuleKeys) if (change[key] !== undefined) keys.push(key);
  return keys;
}

/**
 * The proposal's params in the bridge's terms, so the UI can word them in the user's language. The bridge's
 * schema must take whatever the fold does: one proposal it did not, valid in the fold, would make the whole
 * dao.get answer fail its schema at both ends.
 */
function paramsOf(proposal: FoldProposal, inForce: Rules | null): ProposalParams | null {
  const params = proposal.params as Record<string, unknown> | null;
  if (params === null || typeof params !== 'object') return null;
  switch (proposal.kind) {
    case 'member.add':
      return { kind: 'member.add', member: String(params.member), shares: Number(params.shares) };
    case 'member.remove':
      return { kind: 'member.remove', member: String(params.member) };
    case 'reputation.grant':
      return { kind: 'reputation.grant', member: String(params.member), points: Number(params.points) };
    case 'rules.change': {
      // The rules it names, with the values it leads to from those in force now; the rest stay as they are. Only
      // the named ones, so that a change in effect can still say what it set (the rules before are not kept).
      // One that no longer applies (new numbers for a mode since replaced) shows the rules in force.
      if (inForce === null) return null;
      const change = params as RulesChangeParams;
      const next = rulesAfter(inForce, change);
      const after = rulesView(next.ok ? next.rules : inForce);
      const named = Object.fromEntries(namedRuleKeys(change).map((key) => [key, after[key]])) as Partial<DaoRulesView>;
      return { kind: 'rules.change', rules: named };
    }
    case 'signal':
      return { kind: 'signal', text: String(params.text ?? '') };
    default:
      return null;
  }
}

/**
 * Signatures on the proposal's leading tally certificate (the final one once there is one), null before any. Until
 * it is final only members' signatures count toward it, as in the fold: a signer who left since counts no more.
 */
function certificateView(state: DaoState, proposal: FoldProposal, me: string | null): ProposalView['certificate'] {
  const members = new Set(state.members.map((member) => member.address));
  const counting = (signers: readonly string[]) => (proposal.certificate ? signers.length : signers.filter((signer) => members.has(signer)).length);
  const leading = [...proposal.signatures].sort((a, b) => counting(b.signers) - counting(a.signers))[0];
  const counted = proposal.certificate ?? leading;
  if (!counted) return null;
  return {
    signatures: counting(counted.signers),
    needed: state.signatureThreshold,
    final: proposal.certificate !== null,
    signedByMe: me !== null && proposal.signatures.some((entry) => entry.signers.includes(me)),
  };
}

/**
 * Whether the proposal's result waits for this member's signature: its voting period is over, the result is not
 * final yet, and they have not signed it. Any member may sign, so a reader who is not one is never waited for. The
 * proposal's page offers "Sign the result" on these terms, and the DAO list counts such proposals (`resultsToSign`).
 */
export function awaitsSignature(proposal: Pick<ProposalView, 'status' | 'certificate'>, isMember: boolean): boolean {
  return isMember && proposal.status === 'closed' && proposal.certificate?.final !== true && proposal.certificate?.signedByMe !== true;
}

function proposalView(state: DaoState, proposal: FoldProposal, me: string | null): ProposalView {
  const mine = me === null ? undefined : [...proposal.votes].reverse().find((vote) => vote.voter === me);
  const votedAgainst = mine?.choice === 'no';
  const inGrace = proposal.status === 'passed';
  return {
    id: proposal.id,
    kind: proposal.kind as ProposalView['kind'],
    title: proposal.title,
    summary: summaryOf(proposal),
    params: paramsOf(proposal, state.rules),
    author: proposal.author,
    status: statusNames[proposal.status],
    failure: proposal.failure === null ? null : inBridgeTerms(proposal.failure),
    votingMode: modeNames[proposal.votingMode.type],
    voting: votingModeView(proposal.votingMode),
    createdAt: proposal.createdAt,
    votingEndsAt: proposal.votingEndsAt,
    executesAt: proposal.executesAt,
    tally: {
      yes: Number(proposal.tally.yes),
      no: Number(proposal.tally.no),
      abstain: Number(proposal.tally.abstain),
      voters: proposal.tally.voters,
      quorumMet: proposal.tally.reason !== 'quorum not met',
      outcome: proposal.tally.outcome,
      reason: proposal.tally.reason,
      objections:
        proposal.votingMode.type === 'lazy-consensus'
          ? {
              toReject: objectionsToReject(proposal.votingMode.objectionBps, proposal.tally.eligible),
              objectionBps: proposal.votingMode.objectionBps,
              electorate: proposal.tally.eligible,
            }
          : null,
    },
    myVote: mine ? { choice: mine.choice, votes: mine.votes } : null,
    myCredits: ballotCredits(state, proposal, me),
    certificate: certificateView(state, proposal, me),
    canRageQuit: inGrace && votedAgainst && state.members.some((member) => member.address === me),
  };
}

/**
 * `refusesToSign`: the proposals whose result this node will not sign (a host refuses one it first received after
 * its voting period: DaoService.#refuseUnseenVote); they are not counted as waiting for this member's signature.
 */
export type SigningLimits = { refusesToSign?: (proposal: string, votingEndsAt: number) => boolean };

export function daoSummary(state: DaoState, me: string | null, limits: SigningLimits = {}): DaoSummary {
  const isMember = me !== null && state.members.some((member) => member.address === me);
  return {
    id: state.daoId,
    name: state.name,
    members: state.members.length,
    memberCap: state.rules?.memberCap ?? 0,
    isMember,
    openProposals: state.proposals.filter((proposal) => proposal.status === 'open').length,
    resultsToSign: isMember
      ? state.proposals.filter(
          (proposal) =>
            proposal.status === 'voting-closed' &&
            awaitsSignature({ status: statusNames[proposal.status], certificate: certificateView(state, proposal, me) }, isMember) &&
            !(limits.refusesToSign?.(proposal.id, proposal.votingEndsAt) ?? false),
        ).length
      : 0,
  };
}

/** A passed removal of `me` not yet executed (DaoView.myRemoval). */
function removalOf(state: DaoState, me: string | null): DaoView['myRemoval'] {
  if (me === null) return null;
  const removal = state.proposals.find((proposal) => proposal.kind === 'member.remove' && proposal.status === 'passed' && (proposal.params as { member?: unknown } | null)?.member === me);
  return removal ? { proposal: removal.id, executesAt: removal.executesAt } : null;
}

/** The quadratic mode the member spends credits in: the DAO's own, else the first kind that votes quadratically. */
function quadraticMode(rules: Rules): Extract<VotingMode, { type: 'quadratic' }> | null {
  if (rules.voting.type === 'quadratic') return rules.voting;
  for (const mode of Object.values(rules.votingByKind)) if (mode.type === 'quadratic') return mode;
  return null;
}

/**
 * Quadratic voting: the member's voice credits left in the current epoch — the epoch's budget less n² for
 * each counted ballot of theirs on a quadratic proposal made in this epoch (the epoch a ballot spends from
 * is its proposal's, as the fold counts it).
 */
function creditsLeft(state: DaoState, me: string | null, now: number): number | null {
  const mode = state.rules ? quadraticMode(state.rules) : null;
  if (!mode || me === null) return null;
  return Math.max(0, mode.creditsPerEpoch - creditsSpent(state, me, mode.epochMs, Math.floor(now / mode.epochMs)));
}

/**
 * What `me`'s counted ballots on quadratic proposals made in epoch number `epoch` of length `epochMs` spend, but
 * on `except`. As in the fold, an epoch is its length and number (modes of other lengths have budgets of their
 * own), and ballots on a withdrawn proposal cost nothing (a withdrawal after the final certificate does not count).
 */
function creditsSpent(state: DaoState, me: string, epochMs: number, epoch: number, except?: FoldProposal): number {
  let spent = 0;
  for (const proposal of state.proposals) {
    if (proposal === except || proposal.status === 'withdrawn') continue;
    const mode = proposal.votingMode;
    if (mode.type !== 'quadratic' || mode.epochMs !== epochMs || Math.floor(proposal.createdAt / mode.epochMs) !== epoch) continue;
    for (const vote of proposal.votes) if (vote.voter === me) spent += vote.votes * vote.votes;
  }
  return spent;
}

/** The credits `me`'s ballot on a quadratic `proposal` may cost: its epoch's, not the current one's (the fold charges a ballot to its proposal's epoch). */
function ballotCredits(state: DaoState, proposal: FoldProposal, me: string | null): number | null {
  const mode = proposal.votingMode;
  if (mode.type !== 'quadratic' || me === null || !state.members.some((member) => member.address === me)) return null;
  return Math.max(0, mode.creditsPerEpoch - creditsSpent(state, me, mode.epochMs, Math.floor(proposal.createdAt / mode.epochMs), proposal));
}

/** Shares are below 2^53 (at most 1,000 members of 10^12 shares each: rules.ts, proposal-kinds.ts). */
export function exitView(exit: DaoState['exits'][number]): ExitView {
  return {
    member: exit.member,
    reason: exit.reason,
    shares: Number(exit.shares),
    totalShares: Number(exit.totalShares),
    claimBps: exit.claimBps,
    at: exit.at,
    source: exit.source,
    duringGraceOf: [...exit.duringGraceOf],
  };
}

/**
 * Ignored records a view carries, the first of them in canonical order; `dao.evidence` pages through the rest. A DAO
 * of 100k records keeps ~70k (each superseded vote): listed whole they were ~10 MB of a 14 MB view, sent and checked
 * again at every `dao.get` (and crossing to the page at every change).
 */
export const evidenceInView = 1_000;

/** `limit` ignored records from `offset` in canonical order, as a view lists them. */
export function evidencePage(state: DaoState, offset: number, limit: number): DaoView['evidence'] {
  return state.evidencePage(offset, limit).map((entry) => ({ recordId: entry.record, kind: entry.kind, author: entry.author, reason: entry.reason }));
}

export function daoView(state: DaoState, me: string | null, now: number, limits: SigningLimits = {}): DaoView {
  if (!state.rules) throw new DaomeshError('INTERNAL', 'A DAO view needs the DAO\'s genesis record, which has not arrived yet.');
  const summary = daoSummary(state, me, limits);
  return {
    id: summary.id,
    name: summary.name,
    memberCap: summary.memberCap,
    isMember: summary.isMember,
    openProposals: summary.openProposals,
    resultsToSign: summary.resultsToSign,
    charter: state.charter,
    rules: rulesView(state.rules),
    members: state.members.map((member) => ({ address: member.address, shares: Number(member.shares), reputation: Number(member.reputation) })),
    memberCount: state.members.length,
    nearCap: state.nearCap,
    signaturesNeeded: state.signatureThreshold,
    proposals: state.proposals.map((proposal) => proposalView(state, proposal, me)).reverse(),
    evidence: evidencePage(state, 0, evidenceInView),
    evidenceTotal: state.evidenceCount,
    exits: state.exits.map(exitView),
    myCredits: creditsLeft(state, me, now),
    myRemoval: removalOf(state, me),
    stateHash: state.stateHash,
    records: state.records,
  };
}
