// What else this member can do with the proposal: withdraw it (its author, while voting is open), or
// leave the DAO before a decision they voted against takes effect (rage quit, during the grace period).
import { Alert, Button, Card, Group, Stack, Text } from '@mantine/core';
import { IconArrowBackUp, IconDoorExit } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView, ProposalView } from '../../../../core/bridge/api.ts';
import { useReturnFocus } from '../../../components/use-return-focus.ts';
import { useNodeStatus } from '../../../status/node-status-context.tsx';
import { RageQuitDialog } from '../home/RageQuitDialog.tsx';
import { WithdrawDialog } from './WithdrawDialog.tsx';

export function ProposalActions({ dao, proposal, onChanged }: { dao: DaoView; proposal: ProposalView; onChanged: () => void }) {
  const { t } = useTranslation();
  const { status } = useNodeStatus();
  const [withdrawing, setWithdrawing] = useState(false);
  const [quitting, setQuitting] = useState(false);
  useReturnFocus(withdrawing || quitting);
  const isAuthor = status?.address?.toLowerCase() === proposal.author.toLowerCase();
  const canWithdraw = isAuthor && proposal.status === 'open';
  const canRageQuit = dao.isMember && proposal.canRageQuit;
  if (!canWithdraw && !canRageQuit) return null;

  return (
    <Stack gap="sm">
      {canRageQuit && (
        <Alert color="orange" variant="light" icon={<IconDoorExit size={18} />} title={t('proposal.rageQuit.title')} data-testid="proposal-ragequit-hint">
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{t('proposal.rageQuit.body')}</Text>
            <Button size="xs" color="red" variant="light" onClick={() => setQuitting(true)} data-testid="proposal-ragequit-open">
              {t('dao.leave.button')}
            </Button>
          </Stack>
        </Alert>
      )}
      {canWithdraw && (
        <Card withBorder radius="lg" padding="lg">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Text size="sm" c="dimmed" style={{ flex: '1 1 200px' }}>
              {t('proposal.withdraw.description')}
            </Text>
            <Button variant="default" leftSection={<IconArrowBackUp size={16} />} onClick={() => setWithdrawing(true)} data-testid="proposal-withdraw">
              {t('proposal.withdraw.button')}
            </Button>
          </Group>
        </Card>
      )}
      {withdrawing && <WithdrawDialog dao={dao.id} proposal={proposal} onClose={() => setWithdrawing(false)} onWithdrawn={onChanged} />}
      {quitting && <RageQuitDialog dao={dao} onClose={() => setQuitting(false)} />}
    </Stack>
  );
}
