// The voting mode a form gives each proposal kind: the DAO's own, one of the presets' modes, or (in a rules
// change) the mode of its own the kind has now. Shared by the create wizard and the rules-change form; the
// result is the bridge's votingByKind, which the host turns into the rules' per-kind overrides.
import type { ProposalKind, RulePreset, VotingByKindView } from '../../../core/bridge/api.ts';
import { presetMatching, presetVotingMode } from '../../../core/bridge/preset-modes.ts';
import { proposalKinds } from './dao-labels.ts';

/** 'dao': vote as the DAO does; 'current': keep the kind's present mode of its own; else a preset's mode. */
export type KindModeChoice = 'dao' | 'current' | RulePreset;
export type KindModeChoices = Record<ProposalKind, KindModeChoice>;

export function everyKindAsTheDao(): KindModeChoices {
  return Object.fromEntries(proposalKinds.map((kind) => [kind, 'dao'])) as KindModeChoices;
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
