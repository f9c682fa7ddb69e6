// `--kind-voting <kind=preset>`, repeatable: a proposal kind that votes in a preset's mode of its own instead of
// the DAO's (say member.remove=supermajority), or kind=dao to vote as the DAO does again. The same choices as the
// UI's forms (app/screens/daos/kind-modes.ts); `dao create` and `proposal create --kind rules.change` take it.
import { Option } from 'commander';
import { ProposalKind, RulePreset, type VotingByKindView } from '../../core/bridge/api.ts';
import { presetVotingMode } from '../../core/bridge/preset-modes.ts';
import { DaomeshError } from '../../core/errors.ts';
import { refuse } from './number-options.ts';

export type KindVoting = Partial<Record<ProposalKind, RulePreset | 'dao'>>;

const flag = '--kind-voting';

function choiceOf(text: string, previous: KindVoting | undefined): KindVoting {
  const at = text.indexOf('=');
  if (at < 0) refuse(flag, 'kind=preset', text, 'For example member.remove=supermajority, or member.remove=dao to vote as the DAO.');
  // Everything after the first '=' is the preset: a second '=' makes it none (split('=', 2) dropped the rest).
  const kindText = text.slice(0, at).trim();
  const modeText = text.slice(at + 1).trim();
  const kind = ProposalKind.options.find((candidate) => candidate === kindText);
  if (kind === undefined) refuse(flag, `a proposal kind before the = (${ProposalKind.options.join(', ')})`, text);
  const mode = modeText === 'dao' ? 'dao' : RulePreset.options.find((candidate) => candidate === modeText);
  if (mode === undefined) refuse(flag, `a preset after the = (${RulePreset.options.join(', ')}, or dao)`, text);
  const choices = { ...previous };
  if (choices[kind] !== undefined && choices[kind] !== mode) {
    throw new DaomeshError('BAD_REQUEST', `${flag} names ${kind} twice: ${choices[kind]} and ${mode}.`, 'Give each kind once.');
  }
  choices[kind] = mode;
  return choices;
}

export function kindVotingOption(description: string): Option {
  return new Option(`${flag} <kind=preset>`, description).argParser(choiceOf);
}

/** The whole per-kind map the choices lead to from the one in force (a new DAO's is empty). */
export function votingByKindAfter(choices: KindVoting, current: VotingByKindView = {}): VotingByKindView {
  const byKind: VotingByKindView = { ...current };
  for (const kind of ProposalKind.options) {
    const choice = choices[kind];
    if (choice === 'dao') delete byKind[kind];
    else if (choice !== undefined) byKind[kind] = presetVotingMode(choice);
  }
  return byKind;
}
