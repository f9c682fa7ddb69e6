// A DAO's rules (DESIGN.md §1: each DAO picks its own, DAOmesh offers them). Everything is an integer: basis
// points (0..10000) for shares of a whole, milliseconds for durations, so every peer computes the same state.
import { z } from 'zod';

export const maxBps = 10_000;
/** A DAO is small on purpose (DESIGN.md §1); the UI suggests a sub-DAO or an alliance before it grows further. */
export const defaultMemberCap = 15;
const maxDurationMs = 10 * 365 * 24 * 3600 * 1000;
const day = 24 * 3600 * 1000;

const bps = z.int().min(0).max(maxBps);
const duration = z.int().min(0).max(maxDurationMs);
/** Proposal-kind names as keys: also keeps `__proto__` and friends out of decoded maps. */
export const proposalKindName = z.string().regex(/^[a-z][a-z0-9.-]{0,39}$/, 'not a lower-case kind name');

export const votingModeSchema = z.discriminatedUnion('type', [
  /** One member, one vote; quorum is a share of the electorate, threshold a share of yes among yes+no. */
  z.strictObject({ type: z.literal('one-member-one-vote'), quorumBps: bps, thresholdBps: bps }),
  /** Weights are the members' reputation when the proposal was made; quorum and threshold are shares of weight. */
  z.strictObject({ type: z.literal('reputation-weighted'), quorumBps: bps, thresholdBps: bps }),
  /** Each member gets voice credits per epoch; n votes on one proposal cost n² credits. */
  z.strictObject({
    type: z.literal('quadratic'),
    creditsPerEpoch: z.int().min(1).max(1_000_000),
    epochMs: z.int().min(1).max(maxDurationMs),
    quorumBps: bps,
    thresholdBps: bps,
  }),
  /** Passes unless objections (no votes) reach a share of the electorate. */
  z.strictObject({ type: z.literal('lazy-consensus'), objectionBps: bps }),
]);

export type VotingMode = z.infer<typeof votingModeSchema>;

export const incomePolicySchema = z.strictObject({
  /** Share of income kept by the treasury. */
  treasuryBps: bps,
  /** How the rest splits among members. */
  split: z.enum(['equal', 'shares', 'reputation']),
});

export type IncomePolicy = z.infer<typeof incomePolicySchema>;

export const rulesSchema = z.strictObject({
  memberCap: z.int().min(1).max(1000),
  voting: votingModeSchema,
  /** Per-proposal-kind overrides of `voting` (e.g. supermajority for member.remove). */
  votingByKind: z.record(proposalKindName, votingModeSchema),
  /** May a proposal name its own voting mode? Off by default: a proposer could pick the mode that suits them. */
  proposerMayChooseMode: z.boolean(),
  votingPeriodMs: duration,
  gracePeriodMs: duration,
  /** Members who must sign the same tally certificate for it to be final; more than half the members. */
  signatureThreshold: z.int().min(1).max(1000),
  reputationHalfLifeMs: z.int().min(1).max(maxDurationMs).nullable(),
  income: incomePolicySchema,
  /** Shares each founder starts with. */
  initialShares: z.int().min(0).max(1_000_000_000),
});

export type Rules = z.infer<typeof rulesSchema>;

const votingNumberKeys = ['quorumBps', 'thresholdBps', 'objectionBps', 'creditsPerEpoch', 'epochMs'] as const;
export type VotingNumberKey = (typeof votingNumberKeys)[number];

/** New numbers for the voting mode in force, which stays (a change of mode names the whole new mode instead). */
export const votingNumbersSchema = z
  .strictObject({
    quorumBps: bps.optional(),
    thresholdBps: bps.optional(),
    objectionBps: bps.optional(),
    creditsPerEpoch: z.int().min(1).max(1_000_000).optional(),
    epochMs: z.int().min(1).max(maxDurationMs).optional(),
  })
  .refine((numbers) => Object.keys(numbers).length > 0, 'names no number to change');

/**
 * What a rules.change proposal changes: only the rules it names, applied on top of the rules in force when it
 * executes (not when it was made), so two changes of different rules passed one after the other both hold.
 * `voting` is a whole new mode, or new numbers for the mode in force; `votingByKind` sets (or, with null,
 * removes) the override of each kind it names; `income` sets the fields it names.
 */
export const rulesChangeSchema = z
  .strictObject({
    memberCap: rulesSchema.shape.memberCap.optional(),
    voting: z.union([votingModeSchema, votingNumbersSchema]).optional(),
    votingByKind: z.record(proposalKindName, votingModeSchema.nullable()).optional(),
    proposerMayChooseMode: z.boolean().optional(),
    votingPeriodMs: duration.optional(),
    gracePeriodMs: duration.optional(),
    signatureThreshold: rulesSchema.shape.signatureThreshold.optional(),
    reputationHalfLifeMs: rulesSchema.shape.reputationHalfLifeMs.optional(),
    income: z.strictObject({ treasuryBps: bps.optional(), split: incomePolicySchema.shape.split.optional() }).optional(),
    initialShares: rulesSchema.shape.initialShares.optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), 'changes no rule');

export type RulesChange = z.infer<typeof rulesChangeSchema>;

/** The rules in force with `change` applied, or why it cannot apply to them (new numbers for a mode that has no such number). */
export function applyRulesChange(rules: Rules, change: RulesChange): { ok: true; rules: Rules } | { ok: false; problem: string } {
  let voting = rules.voting;
  if (change.voting !== undefined) {
    if ('type' in change.voting) {
      voting = change.voting;
    } else {
      const numbers: Record<string, unknown> = { ...rules.voting };
      for (const key of votingNumberKeys) {
        const value = change.voting[key];
        if (value === undefined) continue;
        if (!Object.hasOwn(rules.voting, key)) return { ok: false, problem: `${key} does not apply to the voting mode in force (${rules.voting.type})` };
        numbers[key] = value;
      }
      voting = numbers as unknown as VotingMode;
    }
  }
  let votingByKind = rules.votingByKind;
  if (change.votingByKind !== undefined) {
    votingByKind = { ...rules.votingByKind };
    for (const [kind, mode] of Object.entries(change.votingByKind)) {
      if (mode === null) delete votingByKind[kind];
      else votingByKind[kind] = mode;
    }
  }
  const next: Rules = {
    ...rules,
    voting,
    votingByKind,
    income: { treasuryBps: change.income?.treasuryBps ?? rules.income.treasuryBps, split: change.income?.split ?? rules.income.split },
  };
  for (const key of ['memberCap', 'proposerMayChooseMode', 'votingPeriodMs', 'gracePeriodMs', 'signatureThreshold', 'reputationHalfLifeMs', 'initialShares'] as const) {
    if (change[key] !== undefined) (next as Record<typeof key, unknown>)[key] = change[key];
  }
  return { ok: true, rules: next };
}

/** Why these rules cannot govern a DAO of `memberCount` members, or null when they can. */
export function rulesProblem(rules: Rules, memberCount: number): string | null {
  if (memberCount > rules.memberCap) return `the member cap (${rules.memberCap}) is below the ${memberCount} members`;
  if (memberCount > 0 && rules.signatureThreshold * 2 <= memberCount) {
    return `a signature threshold of ${rules.signatureThreshold} is not more than half of ${memberCount} members`;
  }
  if (memberCount > 0 && rules.signatureThreshold > memberCount) {
    return `a signature threshold of ${rules.signatureThreshold} is more than the ${memberCount} members`;
  }
  return null;
}

/**
 * The threshold in force for `memberCount` current members. Membership changes after the rules were set, so
 * the rule is clamped: always more than half (two certificates can never both be final) and never more than
 * the members there are (a DAO that shrank can still decide).
 */
export function effectiveThreshold(rules: Rules, memberCount: number): number {
  if (memberCount <= 0) return 1;
  return Math.min(memberCount, Math.max(rules.signatureThreshold, Math.floor(memberCount / 2) + 1));
}

/** The voting mode a proposal of `kind` uses: its own (when the rules allow), the kind's override, or the DAO's. */
export function votingModeFor(rules: Rules, kind: string, proposed: VotingMode | null): VotingMode {
  if (proposed && rules.proposerMayChooseMode) return proposed;
  return Object.hasOwn(rules.votingByKind, kind) ? rules.votingByKind[kind]! : rules.voting;
}

function baseRules(founderCount: number, voting: VotingMode): Rules {
  return {
    memberCap: defaultMemberCap,
    voting,
    votingByKind: {},
    proposerMayChooseMode: false,
    votingPeriodMs: 3 * day,
    gracePeriodMs: 1 * day,
    signatureThreshold: Math.floor(Math.max(founderCount, 1) / 2) + 1,
    reputationHalfLifeMs: null,
    income: { treasuryBps: 2000, split: 'shares' },
    initialShares: 100,
  };
}

/** More than half of yes+no, at least half the members voting. */
export function simpleMajority(founderCount: number): Rules {
  return baseRules(founderCount, { type: 'one-member-one-vote', quorumBps: 5000, thresholdBps: 5000 });
}

/** More than 66.66% of yes+no (so exactly two thirds passes), at least half the members voting. */
export function supermajority(founderCount: number): Rules {
  return baseRules(founderCount, { type: 'one-member-one-vote', quorumBps: 5000, thresholdBps: 6666 });
}

/** 100 voice credits per member per 30 days; n votes cost n². */
export function quadratic(founderCount: number): Rules {
  return baseRules(founderCount, { type: 'quadratic', creditsPerEpoch: 100, epochMs: 30 * day, quorumBps: 5000, thresholdBps: 5000 });
}

/** Weighted by reputation (which halves every 90 days), majority of weight. */
export function reputationWeighted(founderCount: number): Rules {
  return {
    ...baseRules(founderCount, { type: 'reputation-weighted', quorumBps: 5000, thresholdBps: 5000 }),
    reputationHalfLifeMs: 90 * day,
    income: { treasuryBps: 2000, split: 'reputation' },
  };
}

/** Passes after its period unless a quarter of the members object. */
export function lazyConsensus(founderCount: number): Rules {
  return baseRules(founderCount, { type: 'lazy-consensus', objectionBps: 2500 });
}

export const rulePresets = { simpleMajority, supermajority, quadratic, reputationWeighted, lazyConsensus } as const;
export type RulePresetName = keyof typeof rulePresets;
