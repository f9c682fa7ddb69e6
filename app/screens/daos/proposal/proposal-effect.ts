// What a proposal would do, in the user's language, from its params (the bridge's `summary` is English, and for
// a rules change says only that rules change): members vote on this, so it must be what they read.
import type { TFunction } from 'i18next';
import type { DaoRulesView, ProposalParams, ProposalView } from '../../../../core/bridge/api.ts';
import { shortAddress } from '../../../components/MemberAddress.tsx';
import { ruleKindRows, ruleRows, type RuleRow } from '../rule-rows.ts';

/** One rule a rules change changes: its value in force now and after the change ('' where it has none). */
export type RuleChange = { label: string; now: string; after: string; testId: string };

/** The rules whose wording differs between `now` and `after`, in the rules card's order, per-kind modes last. */
export function ruleChanges(t: TFunction, now: DaoRulesView, after: DaoRulesView, language: string): RuleChange[] {
  const changes = (before: RuleRow[], next: RuleRow[]): RuleChange[] => {
    const order = [...new Set([...before, ...next].map((row) => row.testId))];
    return order.flatMap((testId) => {
      const from = before.find((row) => row.testId === testId);
      const to = next.find((row) => row.testId === testId);
      if (from?.value === to?.value) return [];
      return [{ label: (to ?? from)!.label, now: from?.value ?? '', after: to?.value ?? '', testId }];
    });
  };
  const ownMode = t('proposal.does.daoMode');
  const kinds = (rules: DaoRulesView): RuleRow[] => ruleKindRows(t, rules, language).map((row) => ({ ...row, label: t('proposal.does.kindVoting', { kind: row.label }) }));
  const kindChanges = changes(kinds(now), kinds(after)).map((change) => ({ ...change, now: change.now || ownMode, after: change.after || ownMode }));
  return [...changes(ruleRows(t, now, language), ruleRows(t, after, language)), ...kindChanges];
}

/** The rows of the rules card each rule key stands for (a whole new mode stands for all its rows). */
const rowsOfKey: Partial<Record<keyof DaoRulesView, readonly string[]>> = {
  votingMode: ['rule-mode', 'rule-objection', 'rule-quorum', 'rule-threshold', 'rule-credits'],
  quorumBps: ['rule-quorum'],
  thresholdBps: ['rule-threshold'],
  objectionBps: ['rule-objection'],
  creditsPerEpoch: ['rule-credits'],
  epochMs: ['rule-credits'],
  votingPeriodMs: ['rule-voting-period'],
  gracePeriodMs: ['rule-grace-period'],
  signatureThreshold: ['rule-signatures'],
  memberCap: ['rule-member-cap'],
  reputationHalfLifeMs: ['rule-half-life'],
  income: ['rule-income'],
};

/**
 * The rules a change in effect set, with the values it set: the rules before it are not kept, and comparing with
 * the rules in force now would say it changed nothing. `named` holds only the rules the change names (the host
 * sends those); per-kind modes are listed whole when it set any.
 */
export function rulesSet(t: TFunction, rules: DaoRulesView, named: Partial<DaoRulesView>, language: string): RuleRow[] {
  const after = { ...rules, ...named };
  const rowIds = new Set(Object.keys(named).flatMap((key) => rowsOfKey[key as keyof DaoRulesView] ?? []));
  const rows = ruleRows(t, after, language).filter((row) => rowIds.has(row.testId));
  if (named.votingByKind === undefined) return rows;
  const kinds = ruleKindRows(t, after, language).map((row) => ({ ...row, label: t('proposal.does.kindVoting', { kind: row.label }) }));
  return [...rows, ...(kinds.length > 0 ? kinds : [{ label: t('dao.rules.byKind'), value: t('proposal.does.daoMode'), testId: 'rule-kinds' }])];
}

/** The proposal in one line, for lists. */
export function effectLine(t: TFunction, params: ProposalParams, rules: DaoRulesView, language: string, status?: ProposalView['status']): string {
  switch (params.kind) {
    case 'member.add':
      return t('proposal.does.memberAddLine', { member: shortAddress(params.member), count: params.shares });
    case 'member.remove':
      return t('proposal.does.memberRemoveLine', { member: shortAddress(params.member) });
    case 'reputation.grant':
      return t('proposal.does.reputationGrantLine', { member: shortAddress(params.member), count: params.points });
    case 'rules.change': {
      const list = (labels: string[]) => labels.join(t('proposal.does.listSeparator'));
      if (status === 'executed') return t('proposal.does.rulesSetLine', { rules: list(rulesSet(t, rules, params.rules, language).map((row) => row.label)) });
      const changed = ruleChanges(t, rules, { ...rules, ...params.rules }, language);
      return changed.length > 0 ? t('proposal.does.rulesChangeLine', { rules: list(changed.map((change) => change.label)) }) : t('proposal.does.rulesSame');
    }
    case 'signal':
      return params.text;
  }
}
