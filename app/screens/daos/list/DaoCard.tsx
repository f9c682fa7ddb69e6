// One DAO in the list: its name, how full it is, how many proposals wait for a vote, how many results wait for
// this member's signature, and how it syncs.
import { Badge, Card, Group, Progress, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronRight, IconSignature } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DaoSummary } from '../../../../core/bridge/api.ts';
import { useDaoSyncStatus } from '../../../daos/use-dao-sync-status.ts';
import { DaoSyncBadges } from '../sync/DaoSyncBadges.tsx';
import { MemberText } from '../../../components/MemberText.tsx';

export function DaoCard({ dao, onOpen }: { dao: DaoSummary; onOpen: () => void }) {
  const { t } = useTranslation();
  const { status: sync } = useDaoSyncStatus(dao.id);
  return (
    <UnstyledButton onClick={onOpen} data-testid="dao-card" data-dao={dao.id} style={{ borderRadius: 'var(--mantine-radius-lg)' }}>
      <Card withBorder radius="lg" padding="lg" h="100%">
        <Stack gap="sm">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text fw={650} size="lg" lineClamp={2} style={{ overflowWrap: 'anywhere' }} data-testid="dao-card-name">
              <MemberText text={dao.name} />
            </Text>
            <IconChevronRight size={18} stroke={1.6} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0, marginTop: 4 }} />
          </Group>
          <Stack gap={4}>
            <Text size="sm" c="dimmed" data-testid="dao-card-members">
              {t('dao.list.members', { count: dao.members, cap: dao.memberCap })}
            </Text>
            <Progress value={dao.memberCap > 0 ? (100 * dao.members) / dao.memberCap : 0} size="sm" aria-hidden />
          </Stack>
          <Group gap="xs">
            <Badge variant="light" color={dao.openProposals > 0 ? 'indigo' : 'gray'} data-testid="dao-card-open">
              {dao.openProposals > 0 ? t('dao.list.openProposals', { count: dao.openProposals }) : t('dao.list.noOpenProposals')}
            </Badge>
            {dao.resultsToSign > 0 && (
              <Badge variant="filled" color="orange" leftSection={<IconSignature size={12} />} data-testid="dao-card-to-sign" data-count={dao.resultsToSign}>
                {t('dao.list.resultsToSign', { count: dao.resultsToSign })}
              </Badge>
            )}
            {!dao.isMember && (
              <Badge variant="outline" color="gray">
                {t('dao.list.notMember')}
              </Badge>
            )}
          </Group>
          {sync && <DaoSyncBadges status={sync} size="xs" />}
        </Stack>
      </Card>
    </UnstyledButton>
  );
}
