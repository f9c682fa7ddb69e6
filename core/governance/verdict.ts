// A record's verdict: valid (with its typed meaning) or ignored (with the reason), judged once, when the record
// and its whole causal past are in, against the state *in its own causal past*. Nothing that arrives later can
// change a verdict, so a late record that sorts early in the canonical order never forces a refold, and a
// member cannot undo a decided outcome by publishing something crafted to sort before it (README.md).
import { bytesToHex } from '@noble/hashes/utils.js';
import { compareBytes, type RecordBody, type SignedRecord } from '../ledger/record.ts';
import type { GovernanceState } from './governance-state.ts';
import { groupEpoch } from './group-epoch.ts';
import { certificateKey, type LedgerIndex, type LedgerNode, type NodeData, type ProposalInfo, type Verdict, type View, type VoteInfo } from './ledger-index.ts';
import type { ProposalKinds } from './proposal-kinds.ts';
import { reasons } from './reasons.ts';
import {
  deviceBodySchema,
  deviceRevokeBodySchema,
  genesisBodySchema,
  groupKeyBodySchema,
  inviteRevokeBodySchema,
  isRecordKind,
  proposalBodySchema,
  ragequitBodySchema,
  schemaProblem,
  tallySignBodySchema,
  voteBodySchema,
  withdrawBodySchema,
} from './record-kinds.ts';
import { quickTallySignBody, quickVoteBody } from './quick-bodies.ts';
import { memberReputation } from './reputation.ts';
import { rulesProblem, votingModeFor } from './rules.ts';
import { tally, type Ballot } from './tally.ts';
import type { ViewStates } from './view-state.ts';
import type { z } from 'zod';

export type JudgeContext = { readonly index: LedgerIndex; readonly views: ViewStates; readonly kinds: ProposalKinds };

class Ignored extends Error {}

function ignore(reason: string): never {
  throw new Ignored(reason);
}

function parse<T>(schema: z.ZodType<T>, body: RecordBody): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) ignore(`${reasons.malformed}: ${schemaProblem(parsed.error)}`);
  return parsed.data;
}

/** What the verdict reads besides the node: the record's signed fields and body, and its parents' count. */
export type Judged = { readonly record: SignedRecord; readonly parentCount: number };

export function judge(context: JudgeContext, node: LedgerNode, judged: Judged): Verdict {
  try {
    return { ok: true, data: judgeOrThrow(context, node, judged) };
  } catch (error) {
    if (error instanceof Ignored) return { ok: false, reason: error.message };
    throw error;
  }
}

function judgeOrThrow(context: JudgeContext, node: LedgerNode, judged: Judged): NodeData {
  const { index } = context;
  const signed = judged.record;
  const kind = signed.kind;
  if (kind === 'dao.genesis') return judgeGenesis(context, node, judged);
  if (!signed.dao || compareBytes(signed.dao, index.daoHash) !== 0) ignore(reasons.anotherDao);
  if (index.genesis < 0) ignore(index.indexOfHash(index.daoHash) >= 0 ? reasons.badGenesis : reasons.notDescended);
  if (!index.causal.inPast(index.genesis, node.index)) ignore(reasons.notDescended);
  if (!isRecordKind(kind)) ignore(reasons.unknownKind);
  const view = index.viewOf(node.index);
  if (node.device !== null) {
    if (kind === 'device.delegate' || kind === 'device.revoke') ignore(reasons.memberKeyOnly);
    checkDevice(context, node);
  }
  const state = context.views.stateIn(view);
  const author = node.author;
  if (!state.members.has(author)) ignore(reasons.notMember);
  if (kind !== 'member.ragequit' && isBeingRemoved(index, author, view)) ignore(reasons.beingRemoved);
  switch (kind) {
    case 'device.delegate':
      return { kind, device: bytesToHex(parse(deviceBodySchema, signed.body).device) };
    case 'device.revoke': {
      // Only a live delegation can be revoked: a revocation changes views (it is marked), so one of any key would be a free mark.
      const device = bytesToHex(parse(deviceRevokeBodySchema, signed.body).device);
      const problem = index.revocationProblem(author, device, node.index);
      if (problem) ignore(problem);
      return { kind, device };
    }
    case 'member.ragequit':
      parse(ragequitBodySchema, signed.body);
      return { kind };
    case 'proposal.create':
      return { kind, proposal: judgeProposal(context, node, signed.body, state) };
    case 'proposal.withdraw':
      return { kind, proposal: judgeWithdrawal(index, node, signed.body, view) };
    case 'vote':
      return { kind, vote: judgeVote(index, node, signed.body, view) };
    case 'tally.sign':
      return { kind, signature: judgeSignature(index, node, signed.body, view) };
    // Sync's records: valid when a current member wrote them, with no effect on governance.
    case 'group.key':
      if (compareBytes(parse(groupKeyBodySchema, signed.body).epoch, groupEpoch(index.daoId, state.members.keys())) !== 0) ignore(reasons.otherEpoch);
      return { kind };
    case 'invite.revoke':
      parse(inviteRevokeBodySchema, signed.body);
      return { kind };
    default: // dao.genesis, judged above
      return ignore(reasons.anotherGenesis);
  }
}

function judgeGenesis(context: JudgeContext, node: LedgerNode, judged: Judged): NodeData {
  if (node.id !== context.index.daoId) ignore(reasons.anotherGenesis);
  if (node.device !== null) ignore(reasons.memberKeyOnly);
  if (judged.parentCount > 0) ignore(`${reasons.badGenesis}: a genesis has no deps`);
  const genesis = parse(genesisBodySchema, judged.record.body);
  if (new Set(genesis.founders).size !== genesis.founders.length) ignore(`${reasons.badGenesis}: a founder is listed twice`);
  if (!genesis.founders.includes(node.author)) ignore(`${reasons.badGenesis}: its author is not a founder`);
  const problem = rulesProblem(genesis.rules, genesis.founders.length);
  if (problem) ignore(`${reasons.badGenesis}: ${problem}`);
  return { kind: 'dao.genesis', genesis };
}

/** A device-signed record counts only under a valid delegation by its author that it had not seen revoked. */
function checkDevice(context: JudgeContext, node: LedgerNode): void {
  const { index } = context;
  const key = node.device!;
  const delegation = node.delegation < 0 ? undefined : index.node(node.delegation);
  if (
    !delegation ||
    !delegation.verdict.ok ||
    delegation.verdict.data.kind !== 'device.delegate' ||
    delegation.verdict.data.device !== key ||
    delegation.author !== node.author
  ) {
    ignore(reasons.deviceNotDelegated);
  }
  if (index.revocationCount > 0 && index.revokedBefore(`${node.author}|${key}`, delegation.index, node.index)) ignore(reasons.deviceRevoked);
}

/** Between the final certificate of their removal and its execution, a member may only rage quit. */
function isBeingRemoved(index: LedgerIndex, member: string, view: View): boolean {
  return index.passedRemovalsOf(member).some((removal) => index.finalIn(removal, view)?.outcome === 'passed' && !index.executedIn(removal, view));
}

function judgeProposal(context: JudgeContext, node: LedgerNode, raw: RecordBody, state: GovernanceState): ProposalInfo {
  const body = parse(proposalBodySchema, raw);
  const spec = context.kinds.get(body.kind);
  if (!spec) ignore(`${reasons.unknownProposalKind}: ${body.kind}`);
  const parsed = spec.parse(body.params);
  if (!parsed.ok) ignore(`${reasons.invalidParams}: ${parsed.problem}`);
  if (body.voting && !state.rules.proposerMayChooseMode) ignore(reasons.modeNotAllowed);
  const problem = spec.check(parsed.params, state);
  if (problem) ignore(problem);
  const mode = votingModeFor(state.rules, body.kind, body.voting ?? null);
  const members = [...state.members.keys()].sort();
  const weights = new Map<string, bigint>();
  if (mode.type === 'reputation-weighted') for (const member of members) weights.set(member, memberReputation(state, member, node.time));
  return {
    index: node.index,
    id: node.id,
    author: node.author,
    kind: body.kind,
    spec,
    params: parsed.params,
    rawParams: body.params,
    title: body.title,
    mode,
    electorate: { members, weights },
    createdAt: node.time,
    deadline: node.time + state.rules.votingPeriodMs,
    graceMs: state.rules.gracePeriodMs,
    epoch: mode.type === 'quadratic' ? Math.floor(node.time / mode.epochMs) : -1,
    removes: spec.removes(parsed.params),
    votes: [],
    votesByVoter: new Map(),
    signatures: [],
    signersByCertificate: new Map(),
    ceiling: 0,
    withdrawals: [],
    finalizations: [],
  };
}

/** The position of a record a body names: by its hash (quick bodies) or its id (bodies the schema parsed); -1 when not held. */
function positionOf(index: LedgerIndex, record: Uint8Array | string): number {
  return typeof record === 'string' ? index.indexOfId(record) : index.indexOfHash(record);
}

/** The proposal a vote, withdrawal or signature is about, valid and standing in the record's view. */
function targetProposal(index: LedgerIndex, named: Uint8Array | string, view: View): ProposalInfo {
  const position = positionOf(index, named);
  const verdict = position < 0 ? null : index.node(position).verdict;
  // A valid proposal record: what index.proposals holds, found without making its id.
  const proposal = verdict?.ok && verdict.data.kind === 'proposal.create' && index.inView(position, view) ? verdict.data.proposal : null;
  if (!proposal) ignore(reasons.unknownProposal);
  const standing = index.standing(proposal.index, view);
  if (standing) ignore(`${reasons.authorLeft}: the proposal was ${standing}`);
  return proposal;
}

function judgeWithdrawal(index: LedgerIndex, node: LedgerNode, raw: RecordBody, view: View): ProposalInfo {
  const body = parse(withdrawBodySchema, raw);
  const proposal = targetProposal(index, body.proposal, view);
  if (proposal.author !== node.author) ignore(reasons.notProposalAuthor);
  if (index.finalIn(proposal, view)) ignore(reasons.alreadyDecided);
  if (node.time >= proposal.deadline) ignore(reasons.votingOver);
  return proposal;
}

function judgeVote(index: LedgerIndex, node: LedgerNode, raw: RecordBody, view: View): VoteInfo {
  const body = quickVoteBody(raw) ?? parse(voteBodySchema, raw);
  const proposal = targetProposal(index, body.proposal, view);
  const voter = node.author;
  if (!proposal.electorate.members.includes(voter)) ignore(reasons.notInElectorate);
  if (index.withdrawnIn(proposal, view)) ignore(reasons.proposalWithdrawn);
  if (node.time > proposal.deadline) ignore(reasons.voteAfterPeriod);
  if (index.finalIn(proposal, view)) ignore(reasons.voteAfterFinal);
  let votes = 1;
  if (proposal.mode.type === 'quadratic') {
    if (body.choice === 'abstain') {
      if ((body.votes ?? 0) !== 0) ignore(reasons.abstainHasNoVotes);
      votes = 0;
    } else {
      if (body.votes === undefined || body.votes < 1) ignore(reasons.quadraticNeedsVotes);
      votes = body.votes;
    }
  } else if (body.votes !== undefined && body.votes !== 1) {
    ignore(reasons.votesOnlyQuadratic);
  }
  const info: VoteInfo = { proposal, voter, choice: body.choice, votes };
  if (proposal.mode.type === 'quadratic' && !index.creditsAllow(node.index, info, view, proposal.mode.creditsPerEpoch)) ignore(reasons.overspent);
  return info;
}

function judgeSignature(index: LedgerIndex, node: LedgerNode, raw: RecordBody, view: View) {
  const body = quickTallySignBody(raw) ?? parse(tallySignBodySchema, raw);
  const proposal = targetProposal(index, body.proposal, view);
  if (node.time < proposal.deadline) ignore(reasons.signedEarly);
  if (index.withdrawnIn(proposal, view)) ignore(reasons.proposalWithdrawn);
  const voters = new Set<string>();
  const ballots: Ballot[] = [];
  const votes: number[] = [];
  for (const named of body.votes) {
    const vote = positionOf(index, named);
    if (vote < 0 || !index.causal.inPast(vote, node.index)) ignore(reasons.unseenVote);
    const verdict = index.node(vote).verdict;
    if (!verdict.ok || verdict.data.kind !== 'vote' || verdict.data.vote.proposal !== proposal) ignore(reasons.notAVote);
    const info = verdict.data.vote;
    if (index.standing(vote, view)) ignore(reasons.voteNotStanding);
    if (voters.has(info.voter)) ignore(reasons.twoVotesOneMember);
    voters.add(info.voter);
    if (index.latestVote(proposal, info.voter, view) !== vote) ignore(reasons.notLatestVote);
    if (proposal.mode.type === 'quadratic' && !index.creditsAllow(vote, info, view, proposal.mode.creditsPerEpoch)) ignore(reasons.certificateOverspends);
    ballots.push({ voter: info.voter, choice: info.choice, votes: info.votes });
    votes.push(vote);
  }
  if (tally(proposal.mode, proposal.electorate, ballots).outcome !== body.outcome) ignore(reasons.wrongOutcome);
  const certificate = certificateKey(body.outcome, votes.map((vote) => index.idOf(vote)));
  const final = index.finalIn(proposal, view);
  if (final && final.certificate !== certificate) ignore(reasons.otherCertificateFinal);
  return { proposal, signer: node.author, certificate, votes, outcome: body.outcome };
}
