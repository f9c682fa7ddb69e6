// Bring back an identity from its recovery phrase, protected on this device by a new passphrase.
import { Button, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { FormError } from '../../components/FormError.tsx';
import { checkNewPassphrase, hasProblems, type NewPassphraseProblems } from '../../components/new-passphrase.ts';
import { NewPassphraseFields } from '../../components/NewPassphraseFields.tsx';

export function RestoreIdentityStep({ onBack, onRestored }: { onBack: () => void; onRestored: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [phrase, setPhrase] = useState('');
  const [phraseMissing, setPhraseMissing] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<NewPassphraseProblems>({});
  const [hostError, setHostError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const found = checkNewPassphrase(passphrase, confirm);
    const missing = phrase.trim().length === 0;
    setProblems(found);
    setPhraseMissing(missing);
    setHostError(null);
    if (missing || hasProblems(found)) return;
    setBusy(true);
    try {
      await bridge.call('identity.restore', { phrase: phrase.trim(), passphrase });
      onRestored();
    } catch (error) {
      setHostError(error);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="lg">
        <Stack gap="xs">
          <Title order={2}>{t('restore.title')}</Title>
          <Text c="dimmed">{t('restore.description')}</Text>
        </Stack>
        <Textarea
          label={t('restore.phraseLabel')}
          description={t('restore.phraseDescription')}
          value={phrase}
          onChange={(event) => {
            setPhrase(event.currentTarget.value);
            setPhraseMissing(false);
          }}
          error={phraseMissing ? t('restore.phraseRequired') : undefined}
          autosize
          minRows={3}
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          withAsterisk
          disabled={busy}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          data-testid="restore-phrase"
        />
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
          <Button type="submit" loading={busy} data-testid="restore-submit">
            {t('restore.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
