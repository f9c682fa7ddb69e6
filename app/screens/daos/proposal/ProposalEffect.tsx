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
            <Table withTableBorder withColumnBorders fz="sm" data-testid="proposal-rules-set">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('proposal.does.rule')}</Table.Th>
                  <Table.Th>{t('proposal.does.setTo')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {set.map((row) => (
                  <Table.Tr key={row.testId} data-testid={`set-${row.testId}`}>
                    <Table.Td>{row.label}</Table.Td>
                    <Table.Td fw={600}>{row.value}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
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
                  <Table.Td c="dimmed">{change.now || t('proposal.does.noValue')}</Table.Td>
                  <Table.Td fw={600}>{change.after || t('proposal.does.noValue')}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
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
