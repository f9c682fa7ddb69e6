// The voting mode a form gives each proposal kind: the DAO's own, one of the presets' modes, or (in a rules
// change) the mode of its own the kind has now. Shared by the create wizard and the rules-change form; the
// result is the bridge's votingByKind, which the host turns into the rules' per-kind overrides.
import type { ProposalKind, RulePreset, VotingByKindView, VotingModeView } from '../../../core/bridge/api.ts';
import { votingModeView } from '../../../core/bridge/dao-view.ts';
import { rulePresets as presetRules, type Rules } from '../../../core/governance/rules.ts';
import { proposalKinds, rulePresets } from './dao-labels.ts';

/** 'dao': vote as the DAO does; 'current': keep the kind's present mode of its own; else a preset's mode. */
export type KindModeChoice = 'dao' | 'current' | RulePreset;
export type KindModeChoices = Record<ProposalKind, KindModeChoice>;

const presetOf: Record<RulePreset, (founders: number) => Rules> = {
  'simple-majority': presetRules.simpleMajority,
  supermajority: presetRules.supermajority,
  quadratic: presetRules.quadratic,
  'reputation-weighted': presetRules.reputationWeighted,
  'lazy-consensus': presetRules.lazyConsensus,
};

/** A preset's voting mode (it does not depend on the number of founders, only the signature threshold does). */
export function presetVotingMode(preset: RulePreset): VotingModeView {
  return votingModeView(presetOf[preset](1).voting);
}

function sameMode(a: VotingModeView | undefined, b: VotingModeView | undefined): boolean {
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
  return proposalKinds.every((kind) => sameMode(a[kind], b[kind]));
}

export function everyKindAsTheDao(): KindModeChoices {
  return Object.fromEntries(proposalKinds.map((kind) => [kind, 'dao'])) as KindModeChoices;
}

/** The preset whose voting mode `mode` is, if any. */
export function presetMatching(mode: VotingModeView): RulePreset | null {
  return rulePresets.find((preset) => sameMode(presetVotingMode(preset), mode)) ?? null;
}

/** The choices that read back `byKind`: a preset where an override is one, 'current' where it is not. */
export function choicesFrom(byKind: VotingByKindView): KindModeChoices {
  const choices = everyKindAsTheDao();
  for (const kind of proposalKinds) {
    const mode = byKind[kind];
    if (mode) choices[kind] = presetMatching(mode) ?? 'current';
  }
  return choices;
}

/** The per-kind overrides the choices make; 'current' keeps the override in `current`. */
export function votingByKindFrom(choices: KindModeChoices, current: VotingByKindView = {}): VotingByKindView {
  const byKind: VotingByKindView = {};
  for (const kind of proposalKinds) {
    const choice = choices[kind];
    if (choice === 'dao') continue;
    const mode = choice === 'current' ? current[kind] : presetVotingMode(choice);
    if (mode) byKind[kind] = mode;
  }
  return byKind;
}
