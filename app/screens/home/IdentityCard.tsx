// This member's address (their identity everywhere, on-chain too) and this device's peer id.
import { Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '../../components/CopyableValue.tsx';

export function IdentityCard({ address, peerId }: { address: string | null; peerId: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <Title order={4}>{t('home.identity')}</Title>
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {t('home.address')}
          </Text>
          <CopyableValue value={address ?? '—'} kind="address" testId="home-address" />
        </Stack>
        <Stack gap={4}>
          <Text size="sm" c="dimmed">
            {t('home.peerId')}
          </Text>
          <CopyableValue value={peerId} kind="peerId" testId="home-peer-id" />
        </Stack>
      </Stack>
    </Card>
  );
}
