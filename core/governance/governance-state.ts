// What executed decisions change: members and their shares, the rules, reputation, and who left with what
// claim. Immutable values with pure transitions, so proposal kinds (the registry) and replays can share them.
import type { Rules } from './rules.ts';
import { maxBps } from './rules.ts';

export type Member = { readonly address: string; readonly shares: bigint; readonly since: number };

/** One grant of reputation points; decay (if the rules have a half-life) runs from `at`. */
export type ReputationGrant = { readonly points: bigint; readonly at: number; readonly source: string };

/** A member who left: their shares were burnt and their pro-rata claim recorded for payouts. */
export type Exit = {
  readonly member: string;
  readonly reason: 'ragequit' | 'removed';
  readonly shares: bigint;
  /** Total shares just before the exit: the claim is shares / totalShares of the books. */
  readonly totalShares: bigint;
  readonly claimBps: number;
  /** The rage-quit record, or the proposal that removed them. */
  readonly source: string;
  readonly at: number;
};

export type GovernanceState = {
  readonly rules: Rules;
  readonly members: ReadonlyMap<string, Member>;
  readonly reputation: ReadonlyMap<string, readonly ReputationGrant[]>;
  readonly exits: readonly Exit[];
};

/** A transition either gives the next state or says, in a sentence, why the decision could not apply. */
export type Transition = { readonly state: GovernanceState } | { readonly failed: string };

export function genesisState(founders: readonly string[], rules: Rules, at: number): GovernanceState {
  const members = new Map<string, Member>();
  for (const address of founders) members.set(address, { address, shares: BigInt(rules.initialShares), since: at });
  return { rules, members, reputation: new Map(), exits: [] };
}

export function totalShares(state: GovernanceState): bigint {
  let total = 0n;
  for (const member of state.members.values()) total += member.shares;
  return total;
}

export function admitMember(state: GovernanceState, address: string, shares: bigint, at: number): Transition {
  if (state.members.has(address)) return { failed: 'already a member' };
  if (state.members.size >= state.rules.memberCap) return { failed: `member cap reached (${state.rules.memberCap})` };
  const members = new Map(state.members);
  members.set(address, { address, shares, since: at });
  return { state: { ...state, members } };
}

/**
 * Burns the member's shares, clears their reputation and records their claim: rage quit, or removal (which leaves
 * with the same claim). Reputation is not taken along: a member admitted again starts without it.
 */
export function exitMember(state: GovernanceState, address: string, reason: Exit['reason'], source: string, at: number): Transition {
  const member = state.members.get(address);
  if (!member) return { failed: 'not a member' };
  const total = totalShares(state);
  const claimBps = total === 0n ? 0 : Number((member.shares * BigInt(maxBps)) / total);
  const members = new Map(state.members);
  members.delete(address);
  const reputation = new Map(state.reputation);
  reputation.delete(address);
  const exit: Exit = { member: address, reason, shares: member.shares, totalShares: total, claimBps, source, at };
  return { state: { ...state, members, reputation, exits: [...state.exits, exit] } };
}

export function replaceRules(state: GovernanceState, rules: Rules): Transition {
  if (state.members.size > rules.memberCap) return { failed: `the new member cap (${rules.memberCap}) is below the ${state.members.size} members` };
  return { state: { ...state, rules } };
}
