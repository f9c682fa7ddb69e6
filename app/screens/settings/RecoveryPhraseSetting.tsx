// Show the recovery phrase again, behind the passphrase so an unattended window cannot reveal it.
// The phrase lives only in this component's state and is dropped when the dialog closes (the passphrase form's
// state goes with the dialog's content, which Mantine unmounts when it closes).
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { PassphraseForm } from '../../components/PassphraseForm.tsx';
import { RecoveryPhraseGrid } from '../../components/RecoveryPhraseGrid.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';

export function RecoveryPhraseSetting() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [open, setOpen] = useState(false);
  const [phrase, setPhrase] = useState<string | null>(null);

  function close(): void {
    setOpen(false);
    setPhrase(null);
  }

  return (
    <SectionCard title={t('settings.backup.title')} description={t('settings.backup.description')}>
      <Group>
        <Button variant="default" leftSection={<IconEye size={16} />} onClick={() => setOpen(true)} data-testid="settings-backup">
          {t('settings.backup.show')}
        </Button>
      </Group>
      <Modal opened={open} onClose={close} title={t('settings.backup.title')} size={phrase ? 'xl' : 'md'} centered>
        {phrase ? (
          <Stack gap="md">
            <Text size="sm">{t('backup.warning')}</Text>
            <RecoveryPhraseGrid phrase={phrase} />
            <Group justify="flex-end">
              <Button onClick={close}>{t('settings.backup.done')}</Button>
            </Group>
          </Stack>
        ) : (
          <PassphraseForm
            passphrase={{ description: t('settings.backup.passphraseDescription'), testId: 'backup-passphrase', focus: 'data-autofocus' }}
            gap="md"
            submitLabel={t('settings.backup.reveal')}
            submitTestId="backup-submit"
            onCancel={close}
            onSubmit={async (passphrase) => setPhrase((await bridge.call('identity.backup', { passphrase })).phrase)}
            afterSuccess="clear"
          />
        )}
      </Modal>
    </SectionCard>
  );
}
