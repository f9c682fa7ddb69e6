// Why a passed proposal could not take effect ("Could not take effect: member cap reached (15)"), under its
// heading where a passed one says when it takes effect. `data-failure` carries core's own sentence.
import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProposalView } from '../../../../core/bridge/api.ts';
import { proposalProblemText } from '../proposal-problem-text.ts';

export function FailureNote({ proposal }: { proposal: ProposalView }) {
  const { t } = useTranslation();
  if (proposal.status !== 'failed' || !proposal.failure) return null;
  return (
    <Text size="sm" fw={600} c="orange" data-testid="proposal-failure" data-failure={proposal.failure}>
      {t('proposal.failure', { reason: proposalProblemText(t, proposal.failure) })}
    </Text>
  );
}
