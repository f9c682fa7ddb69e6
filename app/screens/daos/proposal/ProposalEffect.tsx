// What the proposal would do, under its title: the member it admits, removes or rewards (the whole address, to
// check by eye), each rule it changes from what to what, or a signal's text. Worded here from its params, in
// the user's language; the host's English summary only where it sent no params.
import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoRulesView, ProposalView } from '../../../../core/bridge/api.ts';
import { CopyableValue } from '../../../components/CopyableValue.tsx';
import { ruleChanges, rulesSet } from './proposal-effect.ts';
import { MemberText } from '../../../components/MemberText.tsx';

const wrapAnywhere = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;

/** Pending: not decided or not yet in effect. Each rules change applies on top of the rules in force when it takes effect. */
const pendingStatuses: ReadonlyArray<ProposalView['status']> = ['open', 'closed', 'passed'];

export function ProposalEffect({ proposal, rules, proposals = [] }: { proposal: ProposalView; rules: DaoRulesView; proposals?: readonly ProposalView[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const { params } = proposal;
  if (params === null) {
    return proposal.summary ? (
      <Text c="dimmed" data-testid="proposal-summary" style={wrapAnywhere}>
        <MemberText text={proposal.summary} />
      </Text>
    ) : null;
  }
  switch (params.kind) {
    case 'signal':
      return params.text ? (
        <Text c="dimmed" data-testid="proposal-summary" style={wrapAnywhere}>
          <MemberText text={params.text} />
        </Text>
      ) : null;
    case 'member.add':
    case 'member.remove':
    case 'reputation.grant': {
      const sentence =
        params.kind === 'member.add'
          ? t('proposal.does.memberAdd', { count: params.shares })
          : params.kind === 'member.remove'
            ? t('proposal.does.memberRemove')
            : t('proposal.does.reputationGrant', { count: params.points });
      return (
        <div data-testid="proposal-summary">
          <Text c="dimmed">{sentence}</Text>
          <CopyableValue value={params.member} kind="address" testId="proposal-member" />
        </div>
      );
    }
    case 'rules.change': {
      // Only the rules the change names come with it: the others stay as they are. Once in effect it is compared
      // with nothing (the rules before are not kept): it lists what it set.
      if (proposal.status === 'executed') {
        const set = rulesSet(t, rules, params.rules, language);
        return (
          <div data-testid="proposal-summary">
            <Text c="dimmed" mb={4}>
              {t('proposal.does.rulesSet')}
            </Text>
            <RuleTable
              testId="proposal-rules-set"
              rowPrefix="set"
              headers={[t('proposal.does.rule'), t('proposal.does.setTo')]}
              rows={set.map((row) => ({ testId: row.testId, cells: [row.label, row.value] }))}
            />
          </div>
        );
      }
      const changes = ruleChanges(t, rules, { ...rules, ...params.rules }, language);
      if (changes.length === 0) {
        return (
          <Text c="dimmed" data-testid="proposal-summary">
            {t('proposal.does.rulesSame')}
          </Text>
        );
      }
      const otherChanges = proposals.filter((other) => other.id !== proposal.id && other.kind === 'rules.change' && pendingStatuses.includes(other.status)).length;
      return (
        <div data-testid="proposal-summary">
          <Text c="dimmed" mb={4}>
            {t('proposal.does.rulesChange')}
          </Text>
          <RuleTable
            testId="proposal-rule-changes"
            rowPrefix="change"
            headers={[t('proposal.does.rule'), t('proposal.does.now'), t('proposal.does.after')]}
            rows={changes.map((change) => ({ testId: change.testId, cells: [change.label, change.now || t('proposal.does.noValue'), change.after || t('proposal.does.noValue')] }))}
          />
          {params.rules.reputationHalfLifeMs !== undefined && (
            <Text size="sm" c="orange.8" mt={4} data-testid="proposal-note-half-life">
              {t('proposal.does.halfLifeNote')}
            </Text>
          )}
          {otherChanges > 0 && (
            <Text size="sm" c="orange.8" mt={4} data-testid="proposal-note-pending">
              {t('proposal.does.pendingChangesNote', { count: otherChanges })}
            </Text>
          )}
        </div>
      );
    }
  }
}

/** Rules in a table: the rule's name, then its values; the last value (what it becomes) in bold, any before it dimmed. */
function RuleTable({ testId, rowPrefix, headers, rows }: { testId: string; rowPrefix: string; headers: string[]; rows: Array<{ testId: string; cells: string[] }> }) {
  return (
    <Table withTableBorder withColumnBorders fz="sm" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          {headers.map((header) => (
            <Table.Th key={header}>{header}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.testId} data-testid={`${rowPrefix}-${row.testId}`}>
            {row.cells.map((cell, index) => (
              <Table.Td key={index} {...(index === row.cells.length - 1 ? { fw: 600 } : index > 0 ? { c: 'dimmed' } : {})}>
                {cell}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
