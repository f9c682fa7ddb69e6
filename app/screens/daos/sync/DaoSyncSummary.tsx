// The DAO home's sync line: state and peers, who is online, and under them when the DAO last synced, its last
// problem, while it syncs how far it got, and records held back for claiming a time ahead of this clock.
import { Alert, Group, Progress, Stack, Text } from '@mantine/core';
import { IconClockExclamation } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DaoSyncStatus } from '../../../../core/bridge/api.ts';
import { shortAddress } from '../../../components/MemberAddress.tsx';
import { formatDuration } from '../../../time/duration-text.ts';
import { useNow } from '../../../time/use-now.ts';
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
      {status.held && <HeldRecordsNote held={status.held} />}
    </Stack>
  );
}

/** Records the node holds back for claiming a time ahead of its clock: a wrong clock on either side is the usual cause, and only people can fix it. */
function HeldRecordsNote({ held }: { held: NonNullable<DaoSyncStatus['held']> }) {
  const { t } = useTranslation();
  const now = useNow();
  return (
    <Alert color="yellow" variant="light" p="xs" maw={720} icon={<IconClockExclamation size={16} />} data-testid="sync-held" data-count={held.count}>
      <Text size="xs">
        {t('dao.sync.held', { count: held.count, authors: held.authors.map(shortAddress).join(', '), ahead: formatDuration(t, held.latest - now) })}
      </Text>
    </Alert>
  );
}
