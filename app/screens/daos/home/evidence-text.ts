// The evidence list in the user's language: each record's kind, and why the fold ignored it. Core words both in
// stable English (record-kinds.ts, reasons.ts); one from a newer peer, which this version has no words for, shows
// as it came.
import type { TFunction } from 'i18next';
import { isRecordKind, type RecordKind } from '../../../../core/governance/record-kinds.ts';
import { reasons } from '../../../../core/governance/reasons.ts';
import { proposalProblemText } from '../proposal-problem-text.ts';

export const recordKindLabel = {
  'dao.genesis': 'dao.evidence.recordKinds.daoGenesis',
  'device.delegate': 'dao.evidence.recordKinds.deviceDelegate',
  'device.revoke': 'dao.evidence.recordKinds.deviceRevoke',
  'proposal.create': 'dao.evidence.recordKinds.proposalCreate',
  'proposal.withdraw': 'dao.evidence.recordKinds.proposalWithdraw',
  vote: 'dao.evidence.recordKinds.vote',
  'tally.sign': 'dao.evidence.recordKinds.tallySign',
  'member.ragequit': 'dao.evidence.recordKinds.memberRagequit',
  'group.key': 'dao.evidence.recordKinds.groupKey',
  'invite.revoke': 'dao.evidence.recordKinds.inviteRevoke',
} as const satisfies Record<RecordKind, `dao.evidence.recordKinds.${string}`>;

export type ReasonName = keyof typeof reasons;

/** A key per reason, by core's name for it: a reason added there without one here fails the type check. */
export const reasonLabel = {
  unknownKind: 'dao.evidence.reasons.unknownKind',
  anotherDao: 'dao.evidence.reasons.anotherDao',
  anotherGenesis: 'dao.evidence.reasons.anotherGenesis',
  notDescended: 'dao.evidence.reasons.notDescended',
  malformed: 'dao.evidence.reasons.malformed',
  badGenesis: 'dao.evidence.reasons.badGenesis',
  memberKeyOnly: 'dao.evidence.reasons.memberKeyOnly',
  deviceNotDelegated: 'dao.evidence.reasons.deviceNotDelegated',
  deviceRevoked: 'dao.evidence.reasons.deviceRevoked',
  notMember: 'dao.evidence.reasons.notMember',
  beingRemoved: 'dao.evidence.reasons.beingRemoved',
  otherEpoch: 'dao.evidence.reasons.otherEpoch',
  unknownProposalKind: 'dao.evidence.reasons.unknownProposalKind',
  invalidParams: 'dao.evidence.reasons.invalidParams',
  modeNotAllowed: 'dao.evidence.reasons.modeNotAllowed',
  unknownProposal: 'dao.evidence.reasons.unknownProposal',
  notProposalAuthor: 'dao.evidence.reasons.notProposalAuthor',
  alreadyDecided: 'dao.evidence.reasons.alreadyDecided',
  votingOver: 'dao.evidence.reasons.votingOver',
  proposalWithdrawn: 'dao.evidence.reasons.proposalWithdrawn',
  notInElectorate: 'dao.evidence.reasons.notInElectorate',
  voteAfterPeriod: 'dao.evidence.reasons.voteAfterPeriod',
  voteAfterFinal: 'dao.evidence.reasons.voteAfterFinal',
  votesOnlyQuadratic: 'dao.evidence.reasons.votesOnlyQuadratic',
  quadraticNeedsVotes: 'dao.evidence.reasons.quadraticNeedsVotes',
  abstainHasNoVotes: 'dao.evidence.reasons.abstainHasNoVotes',
  overspent: 'dao.evidence.reasons.overspent',
  superseded: 'dao.evidence.reasons.superseded',
  notCertified: 'dao.evidence.reasons.notCertified',
  signedEarly: 'dao.evidence.reasons.signedEarly',
  unseenVote: 'dao.evidence.reasons.unseenVote',
  notAVote: 'dao.evidence.reasons.notAVote',
  voteNotStanding: 'dao.evidence.reasons.voteNotStanding',
  twoVotesOneMember: 'dao.evidence.reasons.twoVotesOneMember',
  notLatestVote: 'dao.evidence.reasons.notLatestVote',
  certificateOverspends: 'dao.evidence.reasons.certificateOverspends',
  wrongOutcome: 'dao.evidence.reasons.wrongOutcome',
  otherCertificateFinal: 'dao.evidence.reasons.otherCertificateFinal',
  equivocation: 'dao.evidence.reasons.equivocation',
  lostCertificate: 'dao.evidence.reasons.lostCertificate',
  withdrawalTooLate: 'dao.evidence.reasons.withdrawalTooLate',
  authorLeft: 'dao.evidence.reasons.authorLeft',
  concurrentWithRagequit: 'dao.evidence.reasons.concurrentWithRagequit',
  concurrentWithRemoval: 'dao.evidence.reasons.concurrentWithRemoval',
  concurrentWithRevocation: 'dao.evidence.reasons.concurrentWithRevocation',
  concurrentRagequit: 'dao.evidence.reasons.concurrentRagequit',
  revokesUndelegated: 'dao.evidence.reasons.revokesUndelegated',
  revokesRevoked: 'dao.evidence.reasons.revokesRevoked',
} as const satisfies Record<ReasonName, `dao.evidence.reasons.${string}`>;

const reasonNames = Object.keys(reasons) as ReasonName[];
const byText = new Map<string, ReasonName>(reasonNames.map((name) => [reasons[name], name]));

/**
 * Which of core's reasons `reason` is, and the details the fold put after it ("invalid params: shares: …"), or
 * null for a reason this version does not know. A reason whose own words hold a colon ("equivocation: …") is
 * matched whole first.
 */
export function evidenceReason(reason: string): { name: ReasonName; detail: string | null } | null {
  const whole = byText.get(reason);
  if (whole) return { name: whole, detail: null };
  let found: { name: ReasonName; detail: string } | null = null;
  for (const name of reasonNames) {
    const prefix = `${reasons[name]}: `;
    if (reason.startsWith(prefix) && reason.length > prefix.length && (!found || reasons[found.name].length < reasons[name].length)) {
      found = { name, detail: reason.slice(prefix.length) };
    }
  }
  return found;
}

export function recordKindText(t: TFunction, kind: string): string {
  return isRecordKind(kind) ? t(recordKindLabel[kind]) : kind;
}

/** A proposal that could not be made is evidence with the proposal kind's own sentence ("already a member"). */
export function evidenceReasonText(t: TFunction, reason: string): string {
  const known = evidenceReason(reason);
  if (!known) return proposalProblemText(t, reason);
  const text = t(reasonLabel[known.name]);
  return known.detail === null ? text : t('dao.evidence.reasonDetail', { reason: text, detail: known.detail });
}
