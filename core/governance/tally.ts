// Tallies: one pure function per voting mode, all in integers (BigInt), with every edge case defined:
// a tie is rejected, an unmet quorum is rejected, no yes or no votes at all is a tie (0 = 0).
import { maxBps, type VotingMode } from './rules.ts';

export type Choice = 'yes' | 'no' | 'abstain';

/** One counted ballot: the member's latest valid vote. `votes` is n for quadratic ballots (cost n²), else 1. */
export type Ballot = { readonly voter: string; readonly choice: Choice; readonly votes: number };

/** Who may vote on a proposal, fixed when it was made, and their reputation then (for reputation-weighted votes). */
export type Electorate = { readonly members: readonly string[]; readonly weights: ReadonlyMap<string, bigint> };

export type TallyReason = 'passed' | 'quorum not met' | 'tie' | 'threshold not met' | 'objections reached';

export type Tally = {
  readonly outcome: 'passed' | 'rejected';
  readonly reason: TallyReason;
  /** Votes (or weight, or quadratic votes) for each choice. */
  readonly yes: bigint;
  readonly no: bigint;
  readonly abstain: bigint;
  /** Members who cast a counted ballot, and members who could have. */
  readonly voters: number;
  readonly eligible: number;
};

const bps = BigInt(maxBps);

/** Counts `ballots` (one per voter; voters outside the electorate are left out) under `mode`. */
export function tally(mode: VotingMode, electorate: Electorate, ballots: readonly Ballot[]): Tally {
  const eligible = new Set(electorate.members);
  const counted = new Map<string, Ballot>();
  for (const ballot of ballots) if (eligible.has(ballot.voter)) counted.set(ballot.voter, ballot);
  const list = [...counted.values()];
  switch (mode.type) {
    case 'one-member-one-vote':
      return decide(sum(list, () => 1n), list.length, eligible.size, BigInt(list.length), BigInt(eligible.size), mode.quorumBps, mode.thresholdBps);
    case 'quadratic':
      return decide(sum(list, (ballot) => BigInt(ballot.votes)), list.length, eligible.size, BigInt(list.length), BigInt(eligible.size), mode.quorumBps, mode.thresholdBps);
    case 'reputation-weighted': {
      const weightOf = reputationWeights(electorate);
      const sums = sum(list, (ballot) => weightOf(ballot.voter));
      let total = 0n;
      for (const member of eligible) total += weightOf(member);
      return decide(sums, list.length, eligible.size, sums.yes + sums.no + sums.abstain, total, mode.quorumBps, mode.thresholdBps);
    }
    case 'lazy-consensus': {
      const sums = sum(list, () => 1n);
      const objected = sums.no * bps >= BigInt(mode.objectionBps) * BigInt(eligible.size) && sums.no > 0n;
      return { ...sums, voters: list.length, eligible: eligible.size, outcome: objected ? 'rejected' : 'passed', reason: objected ? 'objections reached' : 'passed' };
    }
  }
}

/**
 * Lazy consensus: how many objections reject a proposal `eligible` members may vote on. The least n > 0 with
 * n * 10000 >= objectionBps * eligible, as the tally above decides (so at least one: silence always passes).
 */
export function objectionsToReject(objectionBps: number, eligible: number): number {
  return Math.max(1, Math.ceil((objectionBps * eligible) / maxBps));
}

/** Weight = reputation when the proposal was made; when nobody had any, every member weighs 1 (else nothing could pass). */
function reputationWeights(electorate: Electorate): (member: string) => bigint {
  let total = 0n;
  for (const member of electorate.members) total += electorate.weights.get(member) ?? 0n;
  return total === 0n ? () => 1n : (member) => electorate.weights.get(member) ?? 0n;
}

function sum(ballots: readonly Ballot[], weight: (ballot: Ballot) => bigint): { yes: bigint; no: bigint; abstain: bigint } {
  const sums = { yes: 0n, no: 0n, abstain: 0n };
  for (const ballot of ballots) sums[ballot.choice] += weight(ballot);
  return sums;
}

/**
 * Quorum: participation * 10000 >= quorumBps * possible. Threshold: strictly more than thresholdBps of yes+no
 * (so 6666 lets exactly two thirds pass), except that 10000 means unanimity, all of yes+no: strictly more than
 * all could never pass, and a DAO voting its rules changes at 10000 could never change them again. A tie never
 * passes, whatever the threshold.
 */
function decide(
  sums: { yes: bigint; no: bigint; abstain: bigint },
  voters: number,
  eligible: number,
  participation: bigint,
  possible: bigint,
  quorumBps: number,
  thresholdBps: number,
): Tally {
  const base = { ...sums, voters, eligible };
  if (participation * bps < BigInt(quorumBps) * possible) return { ...base, outcome: 'rejected', reason: 'quorum not met' };
  if (sums.yes === sums.no) return { ...base, outcome: 'rejected', reason: 'tie' };
  const unanimous = thresholdBps === maxBps && sums.no === 0n;
  if (!unanimous && sums.yes * bps <= BigInt(thresholdBps) * (sums.yes + sums.no)) return { ...base, outcome: 'rejected', reason: 'threshold not met' };
  return { ...base, outcome: 'passed', reason: 'passed' };
}
