// The rule presets by the bridge's names, and their voting modes in the bridge's terms: what the host founds a
// DAO with, and what the UI's forms and the CLI's options offer a proposal kind that votes its own way.
import { rulePresets, type Rules } from '../governance/rules.ts';
import { ProposalKind, RulePreset, type VotingByKindView, type VotingModeView } from './api.ts';
import { votingModeView } from './dao-view.ts';

export const presetRules: Record<RulePreset, (founders: number) => Rules> = {
  'simple-majority': rulePresets.simpleMajority,
  supermajority: rulePresets.supermajority,
  quadratic: rulePresets.quadratic,
  'reputation-weighted': rulePresets.reputationWeighted,
  'lazy-consensus': rulePresets.lazyConsensus,
};

/** A preset's voting mode (it does not depend on the number of founders, only the signature threshold does). */
export function presetVotingMode(preset: RulePreset): VotingModeView {
  return votingModeView(presetRules[preset](1).voting);
}

export function sameVotingModeView(a: VotingModeView | undefined, b: VotingModeView | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.votingMode === b.votingMode &&
    a.quorumBps === b.quorumBps &&
    a.thresholdBps === b.thresholdBps &&
    a.objectionBps === b.objectionBps &&
    a.creditsPerEpoch === b.creditsPerEpoch &&
    a.epochMs === b.epochMs
  );
}

export function sameVotingByKind(a: VotingByKindView, b: VotingByKindView): boolean {
  return ProposalKind.options.every((kind) => sameVotingModeView(a[kind], b[kind]));
}

/** The preset whose voting mode `mode` is, if any. */
export function presetMatching(mode: VotingModeView): RulePreset | null {
  return RulePreset.options.find((preset) => sameVotingModeView(presetVotingMode(preset), mode)) ?? null;
}
