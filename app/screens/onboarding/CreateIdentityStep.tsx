// Choose a passphrase; the host makes the key and returns its recovery phrase once.
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { FormError } from '../../components/FormError.tsx';
import { checkNewPassphrase, hasProblems, type NewPassphraseProblems } from '../../components/new-passphrase.ts';
import { NewPassphraseFields } from '../../components/NewPassphraseFields.tsx';
import type { NewRecoveryPhrase } from './new-recovery-phrase.ts';

export function CreateIdentityStep({ onBack, onCreated }: { onBack: () => void; onCreated: (created: NewRecoveryPhrase) => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<NewPassphraseProblems>({});
  const [hostError, setHostError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const found = checkNewPassphrase(passphrase, confirm);
    setProblems(found);
    setHostError(null);
    if (hasProblems(found)) return;
    setBusy(true);
    try {
      onCreated(await bridge.call('identity.create', { passphrase }));
    } catch (error) {
      setHostError(error);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="lg">
        <Stack gap="xs">
          <Title order={2}>{t('create.title')}</Title>
          <Text c="dimmed">{t('create.description')}</Text>
        </Stack>
        <NewPassphraseFields
          passphrase={passphrase}
          confirm={confirm}
          problems={problems}
          onPassphraseChange={(value) => {
            setPassphrase(value);
            setProblems((current) => ({ ...current, passphrase: undefined }));
          }}
          onConfirmChange={(value) => {
            setConfirm(value);
            setProblems((current) => ({ ...current, confirm: undefined }));
          }}
          disabled={busy}
        />
        <FormError error={hostError} />
        <Group justify="space-between">
          <Button variant="subtle" onClick={onBack} disabled={busy}>
            {t('common.back')}
          </Button>
          <Button type="submit" loading={busy} data-testid="create-submit">
            {t('create.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
