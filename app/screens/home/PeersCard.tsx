// The peers this node is connected to right now, or a hint of how they will appear: by themselves on the local
// network, or, with local discovery (mDNS) off, only through bootstrap addresses and invites.
import { Badge, Card, EmptyState, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconAffiliate } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Peer } from '../../../core/bridge/api.ts';

export function PeersCard({ peers, mdns }: { peers: Peer[]; mdns: boolean }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <Group gap="sm">
          <Title order={4}>{t('home.peers')}</Title>
          <Badge variant="filled" circle={peers.length < 10} data-testid="peer-count">
            {peers.length}
          </Badge>
        </Group>
        {peers.length === 0 ? (
          <EmptyState
            icon={<IconAffiliate size={28} stroke={1.5} />}
            withIndicatorBackground
            title={t('home.peersEmptyTitle')}
            description={mdns ? t('home.peersEmptyBody') : t('home.peersEmptyBodyNoMdns')}
            py="lg"
            data-testid="peers-empty"
          />
        ) : (
          <Table verticalSpacing="sm" layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="45%">{t('home.peerIdColumn')}</Table.Th>
                <Table.Th>{t('home.addressesColumn')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {peers.map((peer) => (
                <Table.Tr key={peer.peerId} data-testid="peer-row">
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Text ff="monospace" size="sm" style={{ wordBreak: 'break-all' }}>
                      {peer.peerId}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ verticalAlign: 'top' }}>
                    <Stack gap={2}>
                      {peer.addrs.map((address) => (
                        <Text key={address} ff="monospace" size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                          {address}
                        </Text>
                      ))}
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
