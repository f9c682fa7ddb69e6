// What the proposal would do, under its title: the member it admits, removes or rewards (the whole address, to
// check by eye), each rule it changes from what to what, or a signal's text. Worded here from its params, in
// the user's language; the host's English summary only where it sent no params.
import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoRulesView, ProposalView } from '../../../../core/bridge/api.ts';
import { CopyableValue } from '../../../components/CopyableValue.tsx';
import { ruleChanges } from './proposal-effect.ts';
import { MemberText } from '../../../components/MemberText.tsx';

const wrapAnywhere = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;

export function ProposalEffect({ proposal, rules }: { proposal: ProposalView; rules: DaoRulesView }) {
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
      // A change may name only some rules (the host sends them all): the others stay as they are.
      const changes = ruleChanges(t, rules, { ...rules, ...params.rules }, language);
      if (changes.length === 0) {
        return (
          <Text c="dimmed" data-testid="proposal-summary">
            {t('proposal.does.rulesSame')}
          </Text>
        );
      }
      return (
        <div data-testid="proposal-summary">
          <Text c="dimmed" mb={4}>
            {t('proposal.does.rulesChange')}
          </Text>
          <Table withTableBorder withColumnBorders fz="sm" data-testid="proposal-rule-changes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('proposal.does.rule')}</Table.Th>
                <Table.Th>{t('proposal.does.now')}</Table.Th>
                <Table.Th>{t('proposal.does.after')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {changes.map((change) => (
                <Table.Tr key={change.testId} data-testid={`change-${change.testId}`}>
                  <Table.Td>{change.label}</Table.Td>
                  <Table.Td c="dimmed">{change.now}</Table.Td>
                  <Table.Td fw={600}>{change.after}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      );
    }
  }
}
