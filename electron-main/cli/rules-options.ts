// The options of `daomesh proposal create --kind rules.change`: one per rule, each naming only what changes (the
// rest stays as the rules in force). Shares of a whole are percentages with at most two decimals (0.01 % is one
// basis point, the unit of the rules), as in the UI; durations and whole numbers are read by number-options.ts.
// A new rule is one more entry in `ruleOptions`; the voting modes of single proposal kinds come from
// kind-voting-option.ts.
import { Option, type Command } from 'commander';
import { IncomeSplit, VotingModeName, type DaoRulesView } from '../../core/bridge/api.ts';
import { sameVotingByKind } from '../../core/bridge/preset-modes.ts';
import { DaomeshError } from '../../core/errors.ts';
import { kindVotingOption, votingByKindAfter, type KindVoting } from './kind-voting-option.ts';
import { durationWithin, refuse, wholeNumber } from './number-options.ts';

type VotingMode = DaoRulesView['votingMode'];

/**
 * The rules the options set: the bridge's, with the income policy's two fields apart (each has its own option)
 * and the per-kind modes as the kinds they change.
 */
export type RulesEdit = Partial<
  Omit<DaoRulesView, 'income' | 'votingByKind'> & { treasuryBps: number; incomeSplit: DaoRulesView['income']['split']; kindVoting: KindVoting }
>;

/** The options as commander gives them: the text typed, by the option's attribute name. */
export type RuleOptionTexts = Record<string, unknown>;

type RuleOption<K extends keyof RulesEdit> = {
  option: Option;
  key: K;
  /** The option's text as the rule's value, or a DaomeshError that names the flag. */
  parse: (text: string, flag: string) => Exclude<RulesEdit[K], undefined>;
  /** The voting modes the rule means something in; the host would ignore it in the others, so it is refused there. */
  modes?: readonly VotingMode[];
  /** A DAO moving into one of `modes` from another has no value for the rule yet: the option is then required. */
  neededByNewMode?: true;
};

type AnyRuleOption = { [K in keyof RulesEdit]-?: RuleOption<K> }[keyof RulesEdit];

// The bounds of core/governance/rules.ts, so that a wrong value is refused here, naming its option.
const maxDurationMs = 10 * 365 * 24 * 3600 * 1000;
const maxMembers = 1000;
const maxCredits = 1_000_000;
const quorumModes: readonly VotingMode[] = ['majority', 'reputation', 'quadratic'];

function listOf(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** A percentage from 0 to 100 with at most two decimals, in basis points. */
function percent(text: string, flag: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(text.trim());
  const bps = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : Number.NaN;
  if (!(bps <= 10_000)) refuse(flag, 'a percentage from 0 to 100 with at most two decimals', text, 'For example 50 or 66.67.');
  return bps;
}

/** A duration from `least` (as typed: `least` says it in words) to 10 years, in milliseconds. */
function duration(text: string, flag: string, least: { ms: number; words: string }): number {
  return durationWithin(text, flag, least, { ms: maxDurationMs, words: '10 years' });
}

function oneOf<T extends string>(choices: readonly T[]): (text: string, flag: string) => T {
  return (text, flag) => {
    const found = choices.find((choice) => choice === text.trim());
    if (found === undefined) refuse(flag, listOf(choices), text);
    return found;
  };
}

const votingMode = oneOf(VotingModeName.options);
const incomeSplit = oneOf(IncomeSplit.options);

const ruleOptions: readonly AnyRuleOption[] = [
  {
    option: new Option('--voting-mode <mode>', `rules.change: how members decide (${VotingModeName.options.join(', ')})`),
    key: 'votingMode',
    parse: votingMode,
  },
  {
    option: new Option('--quorum <percent>', 'rules.change: share of members (or of weight) that must vote, in %'),
    key: 'quorumBps',
    parse: percent,
    modes: quorumModes,
    neededByNewMode: true,
  },
  {
    option: new Option('--threshold <percent>', 'rules.change: share of yes among yes + no needed to pass, in %'),
    key: 'thresholdBps',
    parse: percent,
    modes: quorumModes,
    neededByNewMode: true,
  },
  {
    option: new Option('--objection <percent>', 'rules.change, lazy voting: share of members whose objections reject, in %'),
    key: 'objectionBps',
    parse: percent,
    modes: ['lazy'],
    neededByNewMode: true,
  },
  {
    option: new Option('--voting-period <duration>', 'rules.change: how long votes stay open (at least 1s; e.g. 3d)'),
    key: 'votingPeriodMs',
    parse: (text, flag) => duration(text, flag, { ms: 1000, words: '1s' }),
  },
  {
    option: new Option('--grace-period <duration>', 'rules.change: time between passing and taking effect (e.g. 1d, or 0s)'),
    key: 'gracePeriodMs',
    parse: (text, flag) => duration(text, flag, { ms: 0, words: '0s' }),
  },
  {
    option: new Option('--epoch <duration>', 'rules.change, quadratic voting: how long a round of voice credits lasts (e.g. 30d)'),
    key: 'epochMs',
    parse: (text, flag) => duration(text, flag, { ms: 1, words: '1ms' }),
    modes: ['quadratic'],
  },
  {
    option: new Option('--credits-per-epoch <n>', 'rules.change, quadratic voting: voice credits each member gets per epoch'),
    key: 'creditsPerEpoch',
    parse: (text, flag) => wholeNumber(text, flag, 1, maxCredits),
    modes: ['quadratic'],
  },
  {
    option: new Option('--member-cap <n>', 'rules.change: most members'),
    key: 'memberCap',
    parse: (text, flag) => wholeNumber(text, flag, 1, maxMembers),
  },
  {
    option: new Option('--signature-threshold <n>', 'rules.change: members who must sign a result to make it final'),
    key: 'signatureThreshold',
    parse: (text, flag) => wholeNumber(text, flag, 1, maxMembers),
  },
  {
    option: new Option('--reputation-half-life <duration>', 'rules.change: how fast reputation fades (e.g. 90d), or none'),
    key: 'reputationHalfLifeMs',
    parse: (text, flag) => (text.trim() === 'none' ? null : duration(text, flag, { ms: 1, words: '1ms' })),
  },
  {
    option: new Option('--treasury-share <percent>', 'rules.change: share of income the treasury keeps, in %'),
    key: 'treasuryBps',
    parse: percent,
  },
  {
    option: new Option('--income-split <split>', `rules.change: how the rest of income splits among members (${IncomeSplit.options.join(', ')})`),
    key: 'incomeSplit',
    parse: incomeSplit,
  },
];

const kindVoting = kindVotingOption('rules.change: a proposal kind that votes its own way, kind=preset or kind=dao; repeatable');

export function addRuleOptions(command: Command): Command {
  for (const rule of ruleOptions) command.addOption(rule.option);
  return command.addOption(kindVoting);
}

function kindVotingGiven(options: RuleOptionTexts): KindVoting | undefined {
  return options[kindVoting.attributeName()] as KindVoting | undefined;
}

function flagOf(rule: AnyRuleOption | Option): string {
  const option = rule instanceof Option ? rule : rule.option;
  return option.long ?? option.flags;
}

function given(options: RuleOptionTexts): { rule: AnyRuleOption; text: string }[] {
  return ruleOptions.flatMap((rule) => {
    const text = options[rule.option.attributeName()];
    return typeof text === 'string' ? [{ rule, text }] : [];
  });
}

/** The rule options given, by flag: other kinds of proposal refuse them rather than drop them silently. */
export function ruleFlagsGiven(options: RuleOptionTexts): string[] {
  return [...given(options).map((entry) => flagOf(entry.rule)), ...(kindVotingGiven(options) ? [flagOf(kindVoting)] : [])];
}

/** The rules the options set, each checked; at least one is needed. */
export function parseRulesEdit(options: RuleOptionTexts): RulesEdit {
  const entries = given(options);
  const byKind = kindVotingGiven(options);
  if (entries.length === 0 && byKind === undefined) {
    throw new DaomeshError(
      'BAD_REQUEST',
      'A rules.change proposal needs at least one rule to change.',
      `Give one or more of ${[...ruleOptions, kindVoting].map(flagOf).join(', ')}.`,
    );
  }
  const edit: Record<string, unknown> = byKind === undefined ? {} : { kindVoting: byKind };
  for (const { rule, text } of entries) edit[rule.key] = rule.parse(text, flagOf(rule));
  return edit as RulesEdit;
}

/**
 * The change for the bridge: the edit checked against the voting mode it leads to, with the income policy
 * completed from the rules in force (the bridge replaces it whole). An edit that changes nothing is refused.
 */
export function rulesChange(edit: RulesEdit, current: DaoRulesView): Partial<DaoRulesView> {
  const mode = edit.votingMode ?? current.votingMode;
  for (const rule of ruleOptions) {
    if (!rule.modes) continue;
    const flag = flagOf(rule);
    if (edit[rule.key] !== undefined && !rule.modes.includes(mode)) {
      throw new DaomeshError('BAD_REQUEST', `${flag} applies only to ${listOf(rule.modes)} voting; the DAO would use ${mode} voting.`, `Add --voting-mode ${rule.modes[0]}, or leave ${flag} out.`);
    }
    if (rule.neededByNewMode && edit[rule.key] === undefined && rule.modes.includes(mode) && !rule.modes.includes(current.votingMode)) {
      throw new DaomeshError('BAD_REQUEST', `Moving from ${current.votingMode} to ${mode} voting needs ${flag}: the rules in force have no such value.`);
    }
  }

  const { treasuryBps, incomeSplit: split, kindVoting: byKind, ...rest } = edit;
  const change: Partial<DaoRulesView> = { ...rest };
  if (treasuryBps !== undefined || split !== undefined) {
    change.income = { treasuryBps: treasuryBps ?? current.income.treasuryBps, split: split ?? current.income.split };
  }
  const changes = Object.entries(change).some(([key, value]) => JSON.stringify(value) !== JSON.stringify(current[key as keyof DaoRulesView]));
  // The bridge takes the per-kind map whole: the kinds not named keep their modes.
  const votingByKind = byKind === undefined ? current.votingByKind : votingByKindAfter(byKind, current.votingByKind);
  if (!sameVotingByKind(votingByKind, current.votingByKind)) change.votingByKind = votingByKind;
  else if (!changes) throw new DaomeshError('BAD_REQUEST', 'These rules are already in force: the proposal would change nothing.');
  return change;
}
