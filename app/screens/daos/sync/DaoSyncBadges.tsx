// A DAO's sync at a glance: its state (in sync, syncing, offline, or not syncing once this member left) and how
// many of its nodes are connected. Hovering the state says what it means, when the DAO last synced, the nodes
// that refuse this one, and its last problem.
import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCircleCheck, IconCloudOff, IconDoorExit, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DaoSyncStatus } from '../../../../core/bridge/api.ts';
import { syncStateColor, syncStateLabel } from '../dao-labels.ts';
import { lastSyncedText } from './last-synced-text.ts';

const stateIcon = { 'in-sync': IconCircleCheck, syncing: IconRefresh, offline: IconCloudOff, left: IconDoorExit } as const;

export function DaoSyncBadges({ status, size = 'sm' }: { status: DaoSyncStatus; size?: 'xs' | 'sm' }) {
  const { t, i18n } = useTranslation();
  // A node whose member left starts no sync (the host says `left`): "offline" would suggest it is waiting for peers.
  const shown = status.left && status.state !== 'syncing' ? 'left' : status.state;
  const label = syncStateLabel[shown];
  const Icon = stateIcon[shown];
  const details = (
    <Stack gap={2}>
      <Text size="xs">{t(label.hint)}</Text>
      <Text size="xs">{lastSyncedText(t, i18n.language, status)}</Text>
      {status.refusedBy.length > 0 && <Text size="xs">{t('dao.sync.refusedBy', { count: status.refusedBy.length })}</Text>}
      {status.lastError !== null && <Text size="xs">{t('dao.sync.lastError', { error: status.lastError })}</Text>}
    </Stack>
  );
  return (
    <Group gap={6} wrap="nowrap" data-testid="dao-sync" data-state={status.state} data-left={status.left ? 'true' : 'false'} data-peers={status.peers.length}>
      <Tooltip label={details} withArrow multiline w={300}>
        <Badge variant="light" size={size} color={syncStateColor[shown]} leftSection={<Icon size={12} />} data-testid="sync-state">
          {t(label.name)}
        </Badge>
      </Tooltip>
      <Badge variant="outline" size={size} color="gray" data-testid="sync-peers">
        {t('dao.sync.peers', { count: status.peers.length })}
      </Badge>
    </Group>
  );
}
