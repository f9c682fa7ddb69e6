// Why a proposal could not take effect (its `failure`) or could not be made (its evidence reason), in the user's
// language. Core says it in one English sentence, some with numbers in it (core/governance/proposal-kinds.ts,
// governance-state.ts, reputation.ts, rules.ts): each is matched by a pattern whose named groups are the
// numbers, passed on to the translation. A sentence of a newer peer shows as it came.
import type { TFunction } from 'i18next';
import { bridgeModeName } from '../../../core/bridge/mode-names.ts';
import { modeLabel } from './dao-labels.ts';

const problemPatterns = [
  [/^already a member$/, 'proposal.problems.alreadyMember'],
  [/^member cap reached \((?<cap>\d+)\)$/, 'proposal.problems.memberCapReached'],
  [/^not a member$/, 'proposal.problems.notMember'],
  [/^the new member cap \((?<cap>\d+)\) is below the (?<members>\d+) members$/, 'proposal.problems.newCapBelowMembers'],
  [/^the member cap \((?<cap>\d+)\) is below the (?<members>\d+) members$/, 'proposal.problems.capBelowMembers'],
  [/^a signature threshold of (?<threshold>\d+) is not more than half of (?<members>\d+) members$/, 'proposal.problems.thresholdNotMajority'],
  [/^a signature threshold of (?<threshold>\d+) is more than the (?<members>\d+) members$/, 'proposal.problems.thresholdAboveMembers'],
  [/^reputation grants are positive$/, 'proposal.problems.grantNotPositive'],
  [/^the members would hold more than (?<max>\d+) reputation points$/, 'proposal.problems.reputationTotal'],
  // A rules change naming a number of a voting mode no longer in force; the names are the rules' own.
  [/^(?<rule>\w+) does not apply to the voting mode in force \((?<mode>[\w-]+)\)$/, 'proposal.problems.ruleNotInMode'],
] as const satisfies ReadonlyArray<readonly [RegExp, `proposal.problems.${string}`]>;

export type ProblemKey = (typeof problemPatterns)[number][1];

/** The numbers and names a sentence carries, by the patterns' group names. */
export type ProblemValues = { cap?: string; members?: string; threshold?: string; max?: string; rule?: string; mode?: string };

/** The key for one of core's sentences and the values in it, or null for a sentence this version does not know. */
export function proposalProblem(sentence: string): { key: ProblemKey; values: ProblemValues } | null {
  for (const [pattern, key] of problemPatterns) {
    const match = pattern.exec(sentence);
    if (match) return { key, values: { ...match.groups } as ProblemValues };
  }
  return null;
}

/** The rules a rules-change failure names (the bridge's keys), in the words of the rules-change form. */
const ruleLabels = {
  quorumBps: 'proposal.form.rules.quorum',
  thresholdBps: 'proposal.form.rules.threshold',
  objectionBps: 'proposal.form.rules.objection',
  creditsPerEpoch: 'proposal.form.rules.credits',
} as const;

export function proposalProblemText(t: TFunction, sentence: string): string {
  const known = proposalProblem(sentence);
  if (!known) return sentence;
  const { rule, mode } = known.values;
  const modeName = mode === undefined ? undefined : bridgeModeName(mode);
  // A rule or mode this version has no words for shows by its name.
  const words = {
    ...known.values,
    ...(rule !== undefined && Object.hasOwn(ruleLabels, rule) ? { rule: t(ruleLabels[rule as keyof typeof ruleLabels]) } : {}),
    ...(modeName !== undefined ? { mode: t(modeLabel[modeName]) } : {}),
  };
  return t(known.key, words);
}
