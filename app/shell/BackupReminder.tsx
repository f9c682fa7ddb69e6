// Above every screen while the recovery phrase of an identity created here has not been confirmed written down
// (node.status backupPending): a reload or a closed window on the phrase screen must not leave the user without a
// backup, unreminded. It offers the phrase again (behind the passphrase) and the confirmation that clears it.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecoveryPhraseDialog } from '../components/RecoveryPhraseDialog.tsx';
import { useNodeStatus } from '../status/node-status-context.tsx';

export function BackupReminder() {
  const { t } = useTranslation();
  const { status } = useNodeStatus();
  const [open, setOpen] = useState(false);
  if (status?.backupPending !== true) return null;
  return (
    <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={t('backup.reminderTitle')} mb="lg" maw={1100} data-testid="backup-reminder">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{t('backup.reminder')}</Text>
        <Button size="xs" color="orange" onClick={() => setOpen(true)} data-testid="backup-reminder-open">
          {t('backup.reminderAction')}
        </Button>
      </Stack>
      <RecoveryPhraseDialog opened={open} onClose={() => setOpen(false)} confirm />
    </Alert>
  );
}
