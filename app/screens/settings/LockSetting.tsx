// Lock the identity now; the gate then shows the unlock screen.
import { Button, Group, Stack } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { FormError } from '../../components/FormError.tsx';
import { useNodeStatus } from '../../status/node-status-context.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';

export function LockSetting() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const { refresh } = useNodeStatus();
  const [busy, setBusy] = useState(false);
  const [hostError, setHostError] = useState<unknown>(null);

  async function lock(): Promise<void> {
    setBusy(true);
    setHostError(null);
    try {
      await bridge.call('identity.lock', {});
      await refresh();
    } catch (error) {
      setHostError(error);
      setBusy(false);
    }
  }

  return (
    <SectionCard title={t('settings.lock.title')} description={t('settings.lock.description')}>
      <Stack gap="sm">
        <FormError error={hostError} />
        <Group>
          <Button
            variant="light"
            color="red"
            leftSection={<IconLock size={16} />}
            loading={busy}
            onClick={() => void lock()}
            data-testid="settings-lock"
          >
            {t('settings.lock.button')}
          </Button>
        </Group>
      </Stack>
    </SectionCard>
  );
}
