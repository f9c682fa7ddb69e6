// Right after creating an identity: the recovery phrase, shown once, until the user says it is written down. The
// host records that (identity.confirmBackup); until then, even after a reload, every screen carries a reminder
// (BackupReminder) with a way to see the phrase again.
import { Alert, Button, Checkbox, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { CopyableValue } from '../../components/CopyableValue.tsx';
import { FormError } from '../../components/FormError.tsx';
import { RecoveryPhraseGrid } from '../../components/RecoveryPhraseGrid.tsx';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';
import type { NewRecoveryPhrase } from './new-recovery-phrase.ts';

export function BackupPhraseScreen({ created, onDone }: { created: NewRecoveryPhrase; onDone: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [hostError, setHostError] = useState<unknown>(null);

  async function done(): Promise<void> {
    setBusy(true);
    setHostError(null);
    try {
      await bridge.call('identity.confirmBackup', {});
      onDone();
    } catch (error) {
      setHostError(error);
      setBusy(false);
    }
  }

  return (
    <CenteredLayout width={680}>
      <Stack gap="lg">
        <Stack gap="xs">
          <Title order={2}>{t('backup.title')}</Title>
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
          <CopyableValue value={created.address} />
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
