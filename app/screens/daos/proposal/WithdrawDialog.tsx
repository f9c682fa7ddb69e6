// Withdrawing one's own proposal. It cannot be undone (the proposal is never decided, its votes never count), so
// the dialog says so and waits for a second, deliberate click, as the rage quit dialog and a draft's deletion do.
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ProposalView } from '../../../../core/bridge/api.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { useHostCall } from '../../../components/use-host-call.ts';

export interface WithdrawDialogProps {
  dao: string;
  proposal: ProposalView;
  onClose: () => void;
  onWithdrawn: () => void;
}

export function WithdrawDialog({ dao, proposal, onClose, onWithdrawn }: WithdrawDialogProps) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const { busy, hostError, refocus: confirmButton, run } = useHostCall<HTMLButtonElement>();

  const withdraw = () =>
    run(async () => {
      await bridge.call('dao.withdraw', { dao, proposal: proposal.id });
      onWithdrawn();
      onClose();
    });

  return (
    <Modal opened onClose={busy ? () => {} : onClose} title={t('proposal.withdraw.dialogTitle')} size="lg" centered>
      <Stack gap="md" data-testid="withdraw-dialog">
        <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
          {proposal.title}
        </Text>
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={t('proposal.withdraw.irreversibleTitle')}>
          {t('proposal.withdraw.irreversible')}
        </Alert>
        <FormError error={hostError} />
        <Group justify="flex-end">
          <Button variant="subtle" onClick={onClose} disabled={busy} data-autofocus data-testid="withdraw-cancel">
            {t('common.cancel')}
          </Button>
          <Button ref={confirmButton} color="red" loading={busy} onClick={() => void withdraw()} data-testid="withdraw-confirm">
            {t('proposal.withdraw.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
