// Income policy math (the payouts issue uses it): exact in BigInt. The treasury takes its share (rounded down),
// the rest splits by weight (rounded down per member), and every leftover unit goes to the treasury, so the
// parts always add up to the amount and no member gains from rounding.
import type { GovernanceState } from './governance-state.ts';
import { memberReputation } from './reputation.ts';
import { maxBps, type IncomePolicy } from './rules.ts';

export type IncomeSplit = { readonly treasury: bigint; readonly perMember: ReadonlyMap<string, bigint> };

/**
 * Splits `amount` (in the token's smallest unit) under `policy` among the current members of `state`, reputation
 * taken at `now`. When the weights are all zero (no shares, no reputation) the rest splits equally; with no
 * members at all everything stays in the treasury.
 */
export function splitIncome(amount: bigint, policy: IncomePolicy, state: GovernanceState, now: number): IncomeSplit {
  if (amount < 0n) throw new RangeError('Income is not negative.');
  const members = [...state.members.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  let treasury = (amount * BigInt(policy.treasuryBps)) / BigInt(maxBps);
  const rest = amount - treasury;
  const perMember = new Map<string, bigint>();
  if (members.length === 0) return { treasury: amount, perMember };
  let weights = members.map((member) =>
    policy.split === 'equal' ? 1n : policy.split === 'shares' ? member.shares : memberReputation(state, member.address, now),
  );
  let total = weights.reduce((sum, weight) => sum + weight, 0n);
  if (total === 0n) {
    weights = members.map(() => 1n);
    total = BigInt(members.length);
  }
  let paid = 0n;
  members.forEach((member, index) => {
    const part = (rest * weights[index]!) / total;
    perMember.set(member.address, part);
    paid += part;
  });
  treasury += rest - paid;
  return { treasury, perMember };
}
