// The DAO's rules as labelled lines in the user's language: for the rules card, and for a rules change, which
// shows the lines it changes.
import type { TFunction } from 'i18next';
import type { DaoRulesView } from '../../../core/bridge/api.ts';
import { formatBps } from '../../i18n/format-number.ts';
import { formatDuration } from '../../time/duration-text.ts';
import { kindLabel, modeLabel, proposalKinds } from './dao-labels.ts';
import { describeVotingMode, passingShare } from './voting-mode-text.ts';

export type RuleRow = { label: string; value: string; testId: string };

const splitLabel = {
  equal: 'dao.rules.split.equal',
  shares: 'dao.rules.split.shares',
  reputation: 'dao.rules.split.reputation',
} as const satisfies Record<DaoRulesView['income']['split'], string>;

/**
 * Every rule but the per-kind voting modes (ruleKindRows). `signaturesNeeded`: what a result needs now (DaoView), shown
 * beside the rule when membership changed so that they differ; left out where rules are compared (a rules change).
 */
export function ruleRows(t: TFunction, rules: DaoRulesView, language: string, signaturesNeeded?: number): RuleRow[] {
  const percent = (bps: number): string => formatBps(bps, language);
  const rows: RuleRow[] = [{ label: t('dao.rules.voting'), value: t(modeLabel[rules.votingMode]), testId: 'rule-mode' }];
  if (rules.votingMode === 'lazy') {
    rows.push({ label: t('dao.rules.objection'), value: t('dao.rules.objectionValue', { share: percent(rules.objectionBps) }), testId: 'rule-objection' });
  } else {
    rows.push(
      { label: t('dao.rules.quorum'), value: t('dao.rules.quorumValue', { share: percent(rules.quorumBps) }), testId: 'rule-quorum' },
      { label: t('dao.rules.threshold'), value: t('dao.rules.thresholdValue', { passing: passingShare(t, rules.thresholdBps, language) }), testId: 'rule-threshold' },
    );
  }
  if (rules.votingMode === 'quadratic') {
    rows.push({ label: t('dao.rules.credits'), value: t('dao.rules.creditsValue', { count: rules.creditsPerEpoch }), testId: 'rule-credits' });
  }
  rows.push(
    { label: t('dao.rules.votingPeriod'), value: formatDuration(t, rules.votingPeriodMs), testId: 'rule-voting-period' },
    {
      label: t('dao.rules.gracePeriod'),
      value: rules.gracePeriodMs > 0 ? formatDuration(t, rules.gracePeriodMs) : t('dao.rules.none'),
      testId: 'rule-grace-period',
    },
    { label: t('dao.rules.signatures'), value: signaturesText(t, rules.signatureThreshold, signaturesNeeded), testId: 'rule-signatures' },
    { label: t('dao.rules.memberCap'), value: t('dao.rules.memberCapValue', { count: rules.memberCap }), testId: 'rule-member-cap' },
    {
      label: t('dao.rules.halfLife'),
      value: rules.reputationHalfLifeMs === null ? t('dao.rules.noDecay') : formatDuration(t, rules.reputationHalfLifeMs),
      testId: 'rule-half-life',
    },
    {
      label: t('dao.rules.income'),
      value: t('dao.rules.incomeValue', { treasury: percent(rules.income.treasuryBps), split: t(splitLabel[rules.income.split]) }),
      testId: 'rule-income',
    },
  );
  return rows;
}

function signaturesText(t: TFunction, rule: number, needed: number | undefined): string {
  if (needed === undefined || needed === rule) return t('dao.rules.signaturesValue', { count: rule });
  return `${t('dao.rules.signaturesValue', { count: needed })} ${t('dao.rules.signaturesClamped', { count: rule })}`;
}

/** The proposal kinds that vote their own way, each with its mode in words. */
export function ruleKindRows(t: TFunction, rules: DaoRulesView, language: string): Array<RuleRow & { mode: DaoRulesView['votingMode'] }> {
  return proposalKinds.flatMap((kind) => {
    const mode = rules.votingByKind[kind];
    return mode ? [{ label: t(kindLabel[kind]), value: describeVotingMode(t, mode, language), testId: `rule-kind-${kind}`, mode: mode.votingMode }] : [];
  });
}
