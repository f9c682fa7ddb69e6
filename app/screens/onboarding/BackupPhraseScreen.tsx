// Right after creating an identity: the recovery phrase, shown once, until the user says it is written down.
import { Alert, Button, Checkbox, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '../../components/CopyableValue.tsx';
import { RecoveryPhraseGrid } from '../../components/RecoveryPhraseGrid.tsx';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';
import type { NewRecoveryPhrase } from './new-recovery-phrase.ts';

export function BackupPhraseScreen({ created, onDone }: { created: NewRecoveryPhrase; onDone: () => void }) {
  const { t } = useTranslation();
  const [confirmed, setConfirmed] = useState(false);
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
        <Group justify="flex-end">
          <Button onClick={onDone} disabled={!confirmed} data-testid="backup-continue">
            {t('backup.continue')}
          </Button>
        </Group>
      </Stack>
    </CenteredLayout>
  );
}
