// Show the recovery phrase again, behind the passphrase so an unattended window cannot reveal it.
// The phrase lives only in this component's state and is dropped when the dialog closes.
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { FormError } from '../../components/FormError.tsx';
import { RecoveryPhraseGrid } from '../../components/RecoveryPhraseGrid.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';

export function RecoveryPhraseSetting() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [open, setOpen] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [missing, setMissing] = useState(false);
  const [phrase, setPhrase] = useState<string | null>(null);
  const [hostError, setHostError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  function close(): void {
    setOpen(false);
    setPassphrase('');
    setMissing(false);
    setPhrase(null);
    setHostError(null);
  }

  async function reveal(event: FormEvent): Promise<void> {
    event.preventDefault();
    setHostError(null);
    if (passphrase.length === 0) {
      setMissing(true);
      return;
    }
    setBusy(true);
    try {
      const result = await bridge.call('identity.backup', { passphrase });
      setPhrase(result.phrase);
      setPassphrase('');
    } catch (error) {
      setHostError(error);
    } finally {
      setBusy(false);
    }
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
          <form onSubmit={(event) => void reveal(event)} noValidate>
            <Stack gap="md">
              <PasswordInput
                label={t('passphrase.label')}
                description={t('settings.backup.passphraseDescription')}
                value={passphrase}
                onChange={(event) => {
                  setPassphrase(event.currentTarget.value);
                  setMissing(false);
                }}
                error={missing ? t('passphrase.required') : undefined}
                autoComplete="current-password"
                data-autofocus
                disabled={busy}
                data-testid="backup-passphrase"
              />
              <FormError error={hostError} />
              <Group justify="flex-end">
                <Button variant="subtle" onClick={close} disabled={busy}>
                  {t('common.cancel')}
                </Button>
                <Button type="submit" loading={busy} data-testid="backup-submit">
                  {t('settings.backup.reveal')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </SectionCard>
  );
}
