// A new proposal as typed, checked with the bridge's own schemas (dao.propose, ProposalParams), so the form
// and the host agree on what is acceptable; problems come back as translation keys for inline messages.
// A rules change carries only the rules the member actually changed.
import {
  Address,
  bridgeMethods,
  labelRefusal,
  ProposalParams,
  type DaoRulesView,
  type ProposalKind,
  type ProposalParams as ProposalParamsValue,
} from '../../../../core/bridge/api.ts';
import { sameVotingByKind } from '../../../../core/bridge/preset-modes.ts';
import { periodFromMs, periodToMs, type Period } from '../../../time/period.ts';
import { choicesFrom, votingByKindFrom, type KindModeChoices } from '../kind-modes.ts';

export interface RulesDraft {
  votingMode: DaoRulesView['votingMode'];
  quorumPercent: number | string;
  thresholdPercent: number | string;
  objectionPercent: number | string;
  creditsPerEpoch: number | string;
  votingPeriod: Period;
  gracePeriod: Period;
  memberCap: number | string;
  kindModes: KindModeChoices;
}

export interface ProposalDraft {
  kind: ProposalKind;
  title: string;
  member: string;
  shares: number | string;
  points: number | string;
  text: string;
  rules: RulesDraft;
}

type PeriodProblem = 'proposal.form.periodInvalid' | 'proposal.form.periodTooShort' | 'proposal.form.periodTooLong';

type RulesProblems = Partial<Record<Exclude<keyof RulesDraft, 'kindModes'>, 'proposal.form.percentInvalid' | 'proposal.form.numberInvalid' | PeriodProblem>>;

export interface ProposalProblems {
  title?: 'proposal.form.titleRequired' | 'proposal.form.titleTooLong' | 'proposal.form.titleDirection' | 'proposal.form.titleControl';
  member?: 'proposal.form.memberInvalid';
  shares?: 'proposal.form.sharesInvalid';
  points?: 'proposal.form.pointsInvalid';
  text?: 'proposal.form.textTooLong';
  rules?: RulesProblems;
  /** A rules change that changes nothing. */
  unchanged?: 'proposal.form.rulesUnchanged';
}

export function rulesDraftFrom(rules: DaoRulesView): RulesDraft {
  return {
    votingMode: rules.votingMode,
    quorumPercent: rules.quorumBps / 100,
    thresholdPercent: rules.thresholdBps / 100,
    objectionPercent: rules.objectionBps / 100,
    // A DAO that moves to quadratic voting starts from the quadratic preset's budget.
    creditsPerEpoch: rules.creditsPerEpoch || 100,
    votingPeriod: periodFromMs(rules.votingPeriodMs),
    gracePeriod: periodFromMs(rules.gracePeriodMs),
    memberCap: rules.memberCap,
    kindModes: choicesFrom(rules.votingByKind),
  };
}

/** A new member's shares start at 100, as founders' do by default and as the CLI's --shares: 1 gave newcomers ~1% unnoticed. */
export function emptyProposalDraft(rules: DaoRulesView): ProposalDraft {
  return { kind: 'signal', title: '', member: '', shares: 100, points: 10, text: '', rules: rulesDraftFrom(rules) };
}

const titleSchema = bridgeMethods['dao.propose'].params.shape.title;
const newDao = bridgeMethods['dao.create'].params.shape;

function wholeNumber(value: number | string, min: number): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : null;
}

function percentToBps(value: number | string): number | null {
  return typeof value === 'number' && value >= 0 && value <= 100 ? Math.round(value * 100) : null;
}

/**
 * A period the change sets, held to the bounds a DAO is founded with (dao.create: at most 90 days) so the wizard
 * and this form agree. The fold would take up to ten years (rules.ts) and the CLI may set that; a period already
 * in force is not proposed, so one set that way stays without a complaint. Null: unchanged.
 */
function checkPeriod(period: Period, inForce: number, schema: typeof newDao.votingPeriodMs | typeof newDao.gracePeriodMs): PeriodProblem | number | null {
  const ms = periodToMs(period);
  if (ms === null) return 'proposal.form.periodInvalid';
  if (ms === inForce) return null;
  const parsed = schema.safeParse(ms);
  if (parsed.success) return ms;
  const code = parsed.error.issues[0]?.code;
  return code === 'too_big' ? 'proposal.form.periodTooLong' : code === 'too_small' ? 'proposal.form.periodTooShort' : 'proposal.form.periodInvalid';
}

function checkRules(draft: RulesDraft, current: DaoRulesView, problems: RulesProblems): Partial<DaoRulesView> {
  const changed: Partial<DaoRulesView> = {};
  if (draft.votingMode !== current.votingMode) changed.votingMode = draft.votingMode;

  const bps = (field: 'quorumPercent' | 'thresholdPercent' | 'objectionPercent', key: 'quorumBps' | 'thresholdBps' | 'objectionBps'): void => {
    const value = percentToBps(draft[field]);
    if (value === null) problems[field] = 'proposal.form.percentInvalid';
    else if (value !== current[key]) changed[key] = value;
  };
  bps('quorumPercent', 'quorumBps');
  bps('thresholdPercent', 'thresholdBps');
  bps('objectionPercent', 'objectionBps');

  // Voice credits mean something (and have a field) only in quadratic voting; elsewhere the rules hold 0.
  if (draft.votingMode === 'quadratic') {
    const credits = wholeNumber(draft.creditsPerEpoch, 1);
    if (credits === null) problems.creditsPerEpoch = 'proposal.form.numberInvalid';
    else if (credits !== current.creditsPerEpoch) changed.creditsPerEpoch = credits;
  }

  const cap = wholeNumber(draft.memberCap, 2);
  if (cap === null) problems.memberCap = 'proposal.form.numberInvalid';
  else if (cap !== current.memberCap) changed.memberCap = cap;

  const votingPeriodMs = checkPeriod(draft.votingPeriod, current.votingPeriodMs, newDao.votingPeriodMs);
  if (typeof votingPeriodMs === 'string') problems.votingPeriod = votingPeriodMs;
  else if (votingPeriodMs !== null) changed.votingPeriodMs = votingPeriodMs;

  const gracePeriodMs = checkPeriod(draft.gracePeriod, current.gracePeriodMs, newDao.gracePeriodMs);
  if (typeof gracePeriodMs === 'string') problems.gracePeriod = gracePeriodMs;
  else if (gracePeriodMs !== null) changed.gracePeriodMs = gracePeriodMs;

  // The whole map or nothing: the host replaces the per-kind modes with what a change names.
  const votingByKind = votingByKindFrom(draft.kindModes, current.votingByKind);
  if (!sameVotingByKind(votingByKind, current.votingByKind)) changed.votingByKind = votingByKind;

  return changed;
}

export function hasProposalProblems(problems: ProposalProblems): boolean {
  const { rules, ...rest } = problems;
  return Object.values(rest).some((problem) => problem !== undefined) || Object.values(rules ?? {}).some((problem) => problem !== undefined);
}

const titleRefusals = {
  tooLong: 'proposal.form.titleTooLong',
  direction: 'proposal.form.titleDirection',
  control: 'proposal.form.titleControl',
  required: 'proposal.form.titleRequired',
} as const satisfies Record<ReturnType<typeof labelRefusal>, NonNullable<ProposalProblems['title']>>;

export function checkProposal(
  draft: ProposalDraft,
  currentRules: DaoRulesView,
): { problems: ProposalProblems; title: string; params: ProposalParamsValue | null; invalid?: string } {
  const problems: ProposalProblems = {};
  const title = titleSchema.safeParse(draft.title);
  if (!title.success) {
    problems.title = titleRefusals[labelRefusal(title.error.issues)];
  }

  const member = draft.member.trim();
  const needsMember = draft.kind === 'member.add' || draft.kind === 'member.remove' || draft.kind === 'reputation.grant';
  if (needsMember && !Address.safeParse(member).success) problems.member = 'proposal.form.memberInvalid';

  let candidate: unknown;
  switch (draft.kind) {
    case 'member.add': {
      const shares = wholeNumber(draft.shares, 0);
      if (shares === null) problems.shares = 'proposal.form.sharesInvalid';
      candidate = { kind: draft.kind, member, shares };
      break;
    }
    case 'member.remove':
      candidate = { kind: draft.kind, member };
      break;
    case 'reputation.grant': {
      const points = wholeNumber(draft.points, 1);
      if (points === null) problems.points = 'proposal.form.pointsInvalid';
      candidate = { kind: draft.kind, member, points };
      break;
    }
    case 'rules.change': {
      const rulesProblems: RulesProblems = {};
      const rules = checkRules(draft.rules, currentRules, rulesProblems);
      if (Object.keys(rulesProblems).length > 0) problems.rules = rulesProblems;
      else if (Object.keys(rules).length === 0) problems.unchanged = 'proposal.form.rulesUnchanged';
      candidate = { kind: draft.kind, rules };
      break;
    }
    case 'signal':
      if (draft.text.length > 2000) problems.text = 'proposal.form.textTooLong';
      candidate = { kind: draft.kind, text: draft.text.trim() };
      break;
  }

  const params = ProposalParams.safeParse(candidate);
  if (hasProposalProblems(problems) || !title.success) return { problems, title: draft.title, params: null };
  // Only when the form's own checks miss something the schema refuses; shown like a refusal from the host.
  if (!params.success) return { problems, title: title.data, params: null, invalid: params.error.message };
  return { problems, title: title.data, params: params.data };
}
