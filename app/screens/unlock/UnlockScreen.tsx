// The identity exists but its key is encrypted at rest: ask for the passphrase.
import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { CopyableValue } from '../../components/CopyableValue.tsx';
import { PassphraseForm } from '../../components/PassphraseForm.tsx';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';

export function UnlockScreen({ address, onUnlocked }: { address: string | null; onUnlocked: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  return (
    <CenteredLayout width={460}>
      <PassphraseForm
        passphrase={{ testId: 'unlock-passphrase', focus: 'autoFocus' }}
        title={t('unlock.title')}
        description={t('unlock.description')}
        submitLabel={t('unlock.submit')}
        submitTestId="unlock-submit"
        onSubmit={async (passphrase) => {
          await bridge.call('identity.unlock', { passphrase });
          onUnlocked();
        }}
        afterSuccess="clear"
      >
        {() =>
          address && (
            <Stack gap={4}>
              <Text size="sm" c="dimmed">
                {t('unlock.address')}
              </Text>
              <CopyableValue value={address} kind="address" />
            </Stack>
          )
        }
      </PassphraseForm>
    </CenteredLayout>
  );
}
