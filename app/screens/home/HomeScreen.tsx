// The node at a glance: who this member is, where the node listens, and which peers it is connected to.
// Live: the status provider applies every node.status event the host pushes.
import { Badge, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../components/FormError.tsx';
import { useNodeStatus } from '../../status/node-status-context.tsx';
import { IdentityCard } from './IdentityCard.tsx';
import { NetworkCard } from './NetworkCard.tsx';
import { PeersCard } from './PeersCard.tsx';
import { ScreenTitle } from '../../layout/ScreenTitle.tsx';

export function HomeScreen() {
  const { t } = useTranslation();
  const { status, error } = useNodeStatus();
  if (!status) return <FormError error={error} />;
  return (
    <Stack gap="lg" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <ScreenTitle>{t('home.title')}</ScreenTitle>
          <Text c="dimmed" size="sm">
            {t('home.subtitle')}
          </Text>
        </Stack>
        <Badge variant="light" color="gray" data-testid="home-version">
          {t('home.version', { version: status.version })}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <IdentityCard address={status.address} peerId={status.peerId} />
        <NetworkCard listen={status.listen} mdns={status.mdns} />
      </SimpleGrid>
      <PeersCard peers={status.peers} mdns={status.mdns} />
    </Stack>
  );
}
