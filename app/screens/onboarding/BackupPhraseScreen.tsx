// Right after creating an identity: the recovery phrase, shown once, until the user says it is written down. The
// host records that (identity.confirmBackup); until then, even after a reload, every screen carries a reminder
// (BackupReminder) with a way to see the phrase again.
import { Alert, Button, Checkbox, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '../../components/CopyableValue.tsx';
import { FormError } from '../../components/FormError.tsx';
import { RecoveryPhraseGrid } from '../../components/RecoveryPhraseGrid.tsx';
import { useConfirmBackup } from '../../components/use-confirm-backup.ts';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';
import type { NewRecoveryPhrase } from './new-recovery-phrase.ts';
import { ScreenTitle } from '../../layout/ScreenTitle.tsx';

export function BackupPhraseScreen({ created, onDone }: { created: NewRecoveryPhrase; onDone: () => void }) {
  const { t } = useTranslation();
  const [confirmed, setConfirmed] = useState(false);
  const { confirm: done, busy, hostError } = useConfirmBackup(onDone);

  return (
    <CenteredLayout width={680}>
      <Stack gap="lg">
        <Stack gap="xs">
          <ScreenTitle>{t('backup.title')}</ScreenTitle>
          <Text>{t('backup.intro')}</Text>
        </Stack>
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={t('backup.warningTitle')}>
          {t('backup.warning')}
        </Alert>
        <RecoveryPhraseGrid phrase={created.phrase} />
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {t('backup.address')}
          </Text>
          <CopyableValue value={created.address} kind="address" />
        </Stack>
        <Checkbox
          label={t('backup.confirm')}
          checked={confirmed}
          onChange={(event) => setConfirmed(event.currentTarget.checked)}
          data-testid="backup-confirmed"
        />
        <FormError error={hostError} />
        <Group justify="flex-end">
          <Button onClick={() => void done()} disabled={!confirmed} loading={busy} data-testid="backup-continue">
            {t('backup.continue')}
          </Button>
        </Group>
      </Stack>
    </CenteredLayout>
  );
}
