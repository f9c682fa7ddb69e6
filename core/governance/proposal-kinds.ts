// The extension point for proposals: each kind brings a schema for its params, a check at creation, and a pure
// `execute` that the fold applies once the proposal has passed and its grace period is over. Later issues add
// bounty, payout and alliance kinds by defining more of these; the fold does not change.
//
// Every peer must fold with the same kinds: a proposal of a kind a peer does not know is evidence there
// ("unknown proposal kind"), so adding a kind is a protocol change that ships with an app version.
import { z } from 'zod';
import { addressBytes, type RecordBody } from '../ledger/record.ts';
import { admitMember, exitMember, replaceRules, type GovernanceState, type Transition } from './governance-state.ts';
import { addressSchema, schemaProblem } from './record-kinds.ts';
import { grantReputation } from './reputation.ts';
import { applyRulesChange, effectiveThreshold, rulesChangeSchema, rulesProblem, rulesSchema, type Rules, type RulesChange } from './rules.ts';

export type ExecutionContext = {
  /** Id of the proposal being executed. */
  readonly proposal: string;
  /** When it executes: its final certificate's time plus the grace period. */
  readonly at: number;
};

export type ProposalKind<Params> = {
  readonly kind: string;
  /** Validates the wire params (CBOR values) and gives typed ones. */
  readonly params: z.ZodType<Params>;
  /** The wire params for typed ones (the record builders use it). */
  encode(params: Params): RecordBody;
  /** Why the proposal cannot be made in this state (checked when it is made), or null. */
  check(params: Params, state: GovernanceState): string | null;
  /** Applies the passed proposal. A failure leaves the state as it was and shows as the proposal's failure reason. */
  execute(state: GovernanceState, params: Params, context: ExecutionContext): Transition;
  /** The member this proposal removes, if it removes one: their concurrent records lose (removal wins). */
  removes?(params: Params): string | null;
};

/** A kind with its params type erased, so kinds of different params live in one registry. */
export type AnyProposalKind = {
  readonly kind: string;
  parse(raw: unknown): { ok: true; params: unknown } | { ok: false; problem: string };
  encode(params: unknown): RecordBody;
  check(params: unknown, state: GovernanceState): string | null;
  execute(state: GovernanceState, params: unknown, context: ExecutionContext): Transition;
  removes(params: unknown): string | null;
};

export type ProposalKinds = ReadonlyMap<string, AnyProposalKind>;

export function defineProposalKind<Params>(spec: ProposalKind<Params>): AnyProposalKind {
  return {
    kind: spec.kind,
    parse(raw) {
      const parsed = spec.params.safeParse(raw);
      return parsed.success ? { ok: true, params: parsed.data } : { ok: false, problem: schemaProblem(parsed.error) };
    },
    encode: (params) => spec.encode(params as Params),
    check: (params, state) => spec.check(params as Params, state),
    execute: (state, params, context) => spec.execute(state, params as Params, context),
    removes: (params) => spec.removes?.(params as Params) ?? null,
  };
}

const amount = (max: number) => z.int().min(0).max(max).transform((value) => BigInt(value));

export type MemberAddParams = { member: string; shares: bigint };
export const memberAdd = defineProposalKind<MemberAddParams>({
  kind: 'member.add',
  params: z.strictObject({ member: addressSchema, shares: amount(1e12) }),
  encode: (params) => ({ member: addressBytes(params.member), shares: Number(params.shares) }),
  check(params, state) {
    if (state.members.has(params.member)) return 'already a member';
    if (state.members.size >= state.rules.memberCap) return `member cap reached (${state.rules.memberCap})`;
    return null;
  },
  execute: (state, params, context) => admitMember(state, params.member, params.shares, context.at),
});

export type MemberRemoveParams = { member: string };
export const memberRemove = defineProposalKind<MemberRemoveParams>({
  kind: 'member.remove',
  params: z.strictObject({ member: addressSchema }),
  encode: (params) => ({ member: addressBytes(params.member) }),
  check: (params, state) => (state.members.has(params.member) ? null : 'not a member'),
  execute: (state, params, context) => exitMember(state, params.member, 'removed', context.proposal, context.at),
  removes: (params) => params.member,
});

/**
 * `{ change }`: only the rules it names, applied on top of the rules in force when it executes (rules.ts,
 * `applyRulesChange`). `{ rules }`: the first format, a whole new rule set that replaces the rules in force;
 * still read, never written (a change made from the rules in force at proposal time reverted any change
 * passed meanwhile and still in its grace period).
 */
export type RulesChangeParams = { change: RulesChange } | { rules: Rules };
export const rulesChange = defineProposalKind<RulesChangeParams>({
  kind: 'rules.change',
  params: z.union([z.strictObject({ change: rulesChangeSchema }), z.strictObject({ rules: rulesSchema })]),
  encode(params): RecordBody {
    return 'change' in params ? { change: definedOnly(params.change) } : { rules: params.rules as unknown as RecordBody };
  },
  check(params, state) {
    const next = rulesAfter(state.rules, params);
    if (!next.ok) return next.problem;
    // A change answers for the rules it names. A signature threshold it leaves alone is judged as it is in force,
    // clamped to the members there are (effectiveThreshold): refusing every change that left alone a threshold the
    // members had outgrown made a DAO that grew unable to change any rule without naming it too.
    const leavesThreshold = 'change' in params && params.change.signatureThreshold === undefined;
    const rules = leavesThreshold ? { ...next.rules, signatureThreshold: effectiveThreshold(next.rules, state.members.size) } : next.rules;
    return rulesProblem(rules, state.members.size);
  },
  execute(state, params) {
    const next = rulesAfter(state.rules, params);
    return next.ok ? replaceRules(state, next.rules) : { failed: next.problem };
  },
});

/** The rules a rules.change leads to from `rules` (those in force), or why it cannot apply to them. */
export function rulesAfter(rules: Rules, params: RulesChangeParams): ReturnType<typeof applyRulesChange> {
  return 'change' in params ? applyRulesChange(rules, params.change) : { ok: true, rules: params.rules };
}

/** A CBOR body for a change: the rules it does not name are left out (CBOR has no undefined). */
function definedOnly(change: RulesChange): RecordBody {
  const body: RecordBody = {};
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    body[key] = (value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined))
      : value) as RecordBody[string];
  }
  return body;
}

export type ReputationGrantParams = { member: string; points: bigint };
export const reputationGrant = defineProposalKind<ReputationGrantParams>({
  kind: 'reputation.grant',
  params: z.strictObject({ member: addressSchema, points: z.int().min(1).max(1e12).transform((value) => BigInt(value)) }),
  encode: (params) => ({ member: addressBytes(params.member), points: Number(params.points) }),
  check: (params, state) => (state.members.has(params.member) ? null : 'not a member'),
  execute: (state, params, context) => grantReputation(state, params.member, params.points, context.at, context.proposal),
});

export type SignalParams = { text: string };
/** A decision with no effect in the ledger: the DAO's signed opinion. */
export const signal = defineProposalKind<SignalParams>({
  kind: 'signal',
  params: z.strictObject({ text: z.string().max(2000) }),
  encode: (params) => ({ text: params.text }),
  check: () => null,
  execute: (state) => ({ state }),
});

export const builtInProposalKinds: readonly AnyProposalKind[] = [memberAdd, memberRemove, rulesChange, reputationGrant, signal];

/** The built-in kinds plus `extra` ones (which may not replace a built-in). */
export function proposalKinds(extra: readonly AnyProposalKind[] = []): ProposalKinds {
  const kinds = new Map<string, AnyProposalKind>();
  for (const kind of [...builtInProposalKinds, ...extra]) {
    if (kinds.has(kind.kind)) throw new Error(`Proposal kind ${kind.kind} is defined twice.`);
    kinds.set(kind.kind, kind);
  }
  return kinds;
}
