// The tally certificate an honest member signs once the voting period is over: every valid vote it holds for
// the proposal (each member's latest, claiming a time no later than the deadline), and the outcome those
// exact votes give. Computed over everything this peer holds, which is the causal past of the `tally.sign`
// it is about to write (deps = current heads), so its own verdict on that record agrees.
import { compareBytes, recordHashFromId } from '../ledger/record.ts';
import type { LedgerIndex, View } from './ledger-index.ts';
import { reasons } from './reasons.ts';
import { tally, type Ballot, type Tally } from './tally.ts';

export type Certificate = {
  readonly proposal: string;
  /** Ids of the counted votes, sorted by their hash bytes. */
  readonly votes: readonly string[];
  readonly outcome: 'passed' | 'rejected';
};

export type CertificateProposal = { readonly ok: true; readonly certificate: Certificate; readonly tally: Tally } | { readonly ok: false; readonly problem: string };

export function proposeCertificate(index: LedgerIndex, proposalId: string, now: number): CertificateProposal {
  const proposal = index.proposals.get(proposalId);
  if (!proposal) return { ok: false, problem: reasons.unknownProposal };
  if (now < proposal.deadline) return { ok: false, problem: 'the voting period is not over yet' };
  const everything: View = { at: -1, time: now };
  const standing = index.standing(proposal.index, everything);
  if (standing) return { ok: false, problem: `${reasons.authorLeft}: the proposal was ${standing}` };
  if (index.withdrawnIn(proposal, everything)) return { ok: false, problem: reasons.proposalWithdrawn };
  if (index.finalIn(proposal, everything)) return { ok: false, problem: reasons.alreadyDecided };
  const ballots: Ballot[] = [];
  const votes: string[] = [];
  for (const voter of proposal.electorate.members) {
    // Only the member's latest vote can be listed; if it no longer counts, none of theirs does.
    const latest = index.latestVote(proposal, voter, everything);
    if (latest === undefined || index.standing(latest, everything) !== null) continue;
    const info = index.voteInfo(latest);
    if (proposal.mode.type === 'quadratic' && !index.creditsAllow(latest, info, everything, proposal.mode.creditsPerEpoch)) continue;
    ballots.push({ voter, choice: info.choice, votes: info.votes });
    votes.push(index.node(latest).id);
  }
  votes.sort((a, b) => compareBytes(recordHashFromId(a), recordHashFromId(b)));
  const result = tally(proposal.mode, proposal.electorate, ballots);
  return { ok: true, certificate: { proposal: proposal.id, votes, outcome: result.outcome }, tally: result };
}
