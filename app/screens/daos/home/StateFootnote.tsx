// The fold's state hash in small print: members who compare it know they see the same DAO.
import { Group, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function StateFootnote({ stateHash, records }: { stateHash: string; records: number }) {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="wrap">
      <Tooltip label={t('dao.state.hint')} withArrow multiline w={280}>
        <Text size="xs" c="dimmed">
          {t('dao.state.label')}
        </Text>
      </Tooltip>
      <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="dao-state-hash">
        {stateHash}
      </Text>
      <Text size="xs" c="dimmed">
        · {t('dao.state.records', { count: records })}
      </Text>
    </Group>
  );
}
