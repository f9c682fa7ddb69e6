// The way out of a DAO, kept apart at the bottom of its page.
import { Button, Card, Group, Text, Title } from '@mantine/core';
import { IconDoorExit } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import { useReturnFocus } from '../../../components/use-return-focus.ts';
import { RageQuitDialog } from './RageQuitDialog.tsx';

export function LeaveCard({ dao }: { dao: DaoView }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  useReturnFocus(confirming);
  return (
    <Card withBorder radius="lg" padding="lg">
      <Group justify="space-between" wrap="wrap" gap="md">
        <div style={{ flex: '1 1 320px' }}>
          <Title order={4}>{t('dao.leave.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('dao.leave.description')}
          </Text>
        </div>
        <Button color="red" variant="light" leftSection={<IconDoorExit size={16} />} onClick={() => setConfirming(true)} data-testid="ragequit-open">
          {t('dao.leave.button')}
        </Button>
      </Group>
      {confirming && <RageQuitDialog dao={dao} onClose={() => setConfirming(false)} />}
    </Card>
  );
}
