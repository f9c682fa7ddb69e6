// What a proposal would do, in the user's language, from its params (the bridge's `summary` is English, and for
// a rules change says only that rules change): members vote on this, so it must be what they read.
import type { TFunction } from 'i18next';
import type { DaoRulesView, ProposalParams } from '../../../../core/bridge/api.ts';
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

/** The proposal in one line, for lists. */
export function effectLine(t: TFunction, params: ProposalParams, rules: DaoRulesView, language: string): string {
  switch (params.kind) {
    case 'member.add':
      return t('proposal.does.memberAddLine', { member: shortAddress(params.member), count: params.shares });
    case 'member.remove':
      return t('proposal.does.memberRemoveLine', { member: shortAddress(params.member) });
    case 'reputation.grant':
      return t('proposal.does.reputationGrantLine', { member: shortAddress(params.member), count: params.points });
    case 'rules.change': {
      const changed = ruleChanges(t, rules, { ...rules, ...params.rules }, language);
      return changed.length > 0 ? t('proposal.does.rulesChangeLine', { rules: changed.map((change) => change.label).join(', ') }) : t('proposal.does.rulesSame');
    }
    case 'signal':
      return params.text;
  }
}
