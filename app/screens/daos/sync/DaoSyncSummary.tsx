// The DAO home's sync line: state and peers, who is online, and under them when the DAO last synced, its last
// problem, and while it syncs, how far it got.
import { Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoSyncStatus } from '../../../../core/bridge/api.ts';
import { DaoSyncBadges } from './DaoSyncBadges.tsx';
import { lastSyncedText } from './last-synced-text.ts';
import { PresenceAvatars } from './PresenceAvatars.tsx';

export function DaoSyncSummary({ status }: { status: DaoSyncStatus }) {
  const { t, i18n } = useTranslation();
  const progress = status.state === 'syncing' ? status.progress : null;
  return (
    <Stack gap={6}>
      <Group gap="md" wrap="wrap">
        <DaoSyncBadges status={status} />
        <PresenceAvatars online={status.online} />
      </Group>
      {progress && (
        <Stack gap={4} maw={420} data-testid="sync-progress" data-received={progress.received} data-expected={progress.expected}>
          <Progress value={progress.expected > 0 ? Math.min(100, (100 * progress.received) / progress.expected) : 0} size="sm" animated aria-hidden />
          <Text size="xs" c="dimmed">
            {t('dao.sync.progress', { received: progress.received, expected: progress.expected })}
          </Text>
        </Stack>
      )}
      <Text size="xs" c="dimmed" data-testid="sync-details">
        {lastSyncedText(t, i18n.language, status)}
        {status.lastError !== null && ` · ${t('dao.sync.lastError', { error: status.lastError })}`}
      </Text>
    </Stack>
  );
}
