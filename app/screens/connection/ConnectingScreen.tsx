// Shown until the node's first status arrives; if fetching it failed, says why and offers a retry.
import { Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError.tsx';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';

export function ConnectingScreen({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <CenteredLayout width={440}>
      {error ? (
        <Stack>
          <FormError error={error} />
          <Group justify="flex-end">
            <Button onClick={onRetry}>{t('common.retry')}</Button>
          </Group>
        </Stack>
      ) : (
        <Stack align="center" gap="md" py="lg" role="status" aria-live="polite">
          <Loader />
          <Text c="dimmed">{t('connection.connecting')}</Text>
        </Stack>
      )}
    </CenteredLayout>
  );
}
