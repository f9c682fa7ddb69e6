// Reputation: per-DAO, non-transferable points. Decay with a half-life is exact integer math (BigInt), never
// Math.pow: halve once per whole half-life, and interpolate linearly inside the current one. So 1000 points
// with a 30-day half-life are 750 after 15 days, 500 after 30, 375 after 45, 250 after 60.
import type { GovernanceState, ReputationGrant, Transition } from './governance-state.ts';

/** `points` granted at `grantedAt`, as they stand at `at`. Before the grant time they have not decayed. */
export function decayedPoints(points: bigint, grantedAt: number, at: number, halfLifeMs: number | null): bigint {
  if (halfLifeMs === null || at <= grantedAt || points <= 0n) return points;
  const elapsed = BigInt(at - grantedAt);
  const halfLife = BigInt(halfLifeMs);
  const halvings = elapsed / halfLife;
  if (halvings >= BigInt(points.toString(2).length + 1)) return 0n;
  const within = elapsed % halfLife;
  // points / 2^k, then linearly from that towards half of it: a · (2H − r) / 2H.
  return (points * (2n * halfLife - within)) / ((2n * halfLife) << halvings);
}

export function reputationAt(grants: readonly ReputationGrant[], at: number, halfLifeMs: number | null): bigint {
  let total = 0n;
  for (const grant of grants) total += decayedPoints(grant.points, grant.at, at, halfLifeMs);
  return total;
}

/**
 * The most points a DAO's members may hold together, counted as granted (before decay): below 2^53, so every
 * member's reputation, a tally's weights and the views' numbers stay exact as plain numbers, at any time.
 */
export const maxReputationTotal = 10n ** 15n;

/** The points the members hold, counted as granted (decay only lowers them; exits clear a member's). */
export function grantedReputationTotal(state: GovernanceState): bigint {
  let total = 0n;
  for (const grants of state.reputation.values()) for (const grant of grants) total += grant.points;
  return total;
}

/** The one way reputation is earned: passed grants now, accepted bounties later (they call this too). */
export function grantReputation(state: GovernanceState, member: string, points: bigint, at: number, source: string): Transition {
  if (!state.members.has(member)) return { failed: 'not a member' };
  if (points <= 0n) return { failed: 'reputation grants are positive' };
  if (grantedReputationTotal(state) + points > maxReputationTotal) return { failed: `the members would hold more than ${maxReputationTotal} reputation points` };
  const reputation = new Map(state.reputation);
  reputation.set(member, [...(state.reputation.get(member) ?? []), { points, at, source }]);
  return { state: { ...state, reputation } };
}

export function memberReputation(state: GovernanceState, member: string, at: number): bigint {
  return reputationAt(state.reputation.get(member) ?? [], at, state.rules.reputationHalfLifeMs);
}
