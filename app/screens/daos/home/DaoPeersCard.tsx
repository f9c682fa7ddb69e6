// The DAO's nodes this node is connected to now (peer ids, shortened and copyable) and the members online.
// The bridge does not say which member runs which node, so the two lists stand side by side. Folded away by
// default: the badges at the top of the page already say how many.
import { Badge, Card, Collapse, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoSyncStatus } from '../../../../core/bridge/api.ts';
import { CopyableValue } from '../../../components/CopyableValue.tsx';
import { MemberAddress } from '../../../components/MemberAddress.tsx';
import { MemberAvatar } from '../../../components/MemberAvatar.tsx';
import { ShowHideButton } from '../../../components/ShowHideButton.tsx';

function shortPeerId(peerId: string): string {
  return peerId.length > 20 ? `${peerId.slice(0, 10)}…${peerId.slice(-6)}` : peerId;
}

export function DaoPeersCard({ status }: { status: DaoSyncStatus }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="dao-peers" data-open={open ? 'true' : 'false'}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Group gap="sm">
              <Title order={4}>{t('dao.peers.title')}</Title>
              <Badge variant="light" color={status.peers.length > 0 ? 'teal' : 'gray'} data-testid="dao-peers-count">
                {status.peers.length}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              {t('dao.peers.description')}
            </Text>
          </div>
          <ShowHideButton open={open} onToggle={() => setOpen((current) => !current)} showLabel={t('dao.peers.show')} hideLabel={t('dao.peers.hide')} showName={t('dao.peers.showNamed')} hideName={t('dao.peers.hideNamed')} testId="dao-peers-toggle" />
        </Group>
        <Collapse expanded={open}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" pt="xs">
            <Stack gap={6}>
              <Text fw={600} size="sm">
                {t('dao.peers.nodes')}
              </Text>
              {status.peers.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('dao.peers.nodesEmpty')}
                </Text>
              ) : (
                status.peers.map((peer) => (
                  <div key={peer} data-testid="dao-peer" data-peer={peer}>
                    <CopyableValue value={peer} kind="peerId" shown={shortPeerId(peer)} />
                  </div>
                ))
              )}
              <Text size="xs" c="dimmed">
                {t('dao.peers.note')}
              </Text>
            </Stack>
            <Stack gap={6}>
              <Text fw={600} size="sm">
                {t('dao.peers.members')}
              </Text>
              {status.online.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('dao.peers.membersEmpty')}
                </Text>
              ) : (
                status.online.map((address) => (
                  <Group key={address} gap="xs" wrap="nowrap" data-testid="dao-online-member" data-address={address}>
                    <MemberAvatar address={address} size="sm" />
                    <MemberAddress address={address} />
                  </Group>
                ))
              )}
            </Stack>
          </SimpleGrid>
        </Collapse>
      </Stack>
    </Card>
  );
}
