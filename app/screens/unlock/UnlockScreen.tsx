// The identity exists but its key is encrypted at rest: ask for the passphrase.
import { Button, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { CopyableValue } from '../../components/CopyableValue.tsx';
import { FormError } from '../../components/FormError.tsx';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';

export function UnlockScreen({ address, onUnlocked }: { address: string | null; onUnlocked: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [passphrase, setPassphrase] = useState('');
  const [missing, setMissing] = useState(false);
  const [hostError, setHostError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setHostError(null);
    if (passphrase.length === 0) {
      setMissing(true);
      return;
    }
    setBusy(true);
    try {
      await bridge.call('identity.unlock', { passphrase });
      setPassphrase('');
      onUnlocked();
    } catch (error) {
      setHostError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <CenteredLayout width={460}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="lg">
          <Stack gap="xs">
            <Title order={2}>{t('unlock.title')}</Title>
            <Text c="dimmed">{t('unlock.description')}</Text>
          </Stack>
          {address && (
            <Stack gap={4}>
              <Text size="sm" c="dimmed">
                {t('unlock.address')}
              </Text>
              <CopyableValue value={address} />
            </Stack>
          )}
          <PasswordInput
            label={t('passphrase.label')}
            value={passphrase}
            onChange={(event) => {
              setPassphrase(event.currentTarget.value);
              setMissing(false);
            }}
            error={missing ? t('passphrase.required') : undefined}
            autoComplete="current-password"
            autoFocus
            disabled={busy}
            data-testid="unlock-passphrase"
          />
          <FormError error={hostError} />
          <Button type="submit" loading={busy} fullWidth data-testid="unlock-submit">
            {t('unlock.submit')}
          </Button>
        </Stack>
      </form>
    </CenteredLayout>
  );
}
