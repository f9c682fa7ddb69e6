// The DAOs this node holds, as cards; live, since every dao.changed event refreshes the list. From here a DAO
// is created, or joined with an invite code.
import { Alert, Button, EmptyState, Group, Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconLogin, IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/FormError.tsx';
import { useReturnFocus } from '../../../components/use-return-focus.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { useLiveQuery } from '../../../bridge/use-live-query.ts';
import { useDaoList } from '../../../daos/use-dao-list.ts';
import { useNavigation } from '../../../shell/navigation.tsx';
import { DaoCard } from './DaoCard.tsx';
import { JoinDialog } from './JoinDialog.tsx';
import { ScreenTitle } from '../../../layout/ScreenTitle.tsx';

export function DaoListScreen() {
  const { t } = useTranslation();
  const { navigate } = useNavigation();
  const { data: daos, error } = useDaoList();
  const bridge = useBridge();
  const loadUnopenable = useCallback(() => bridge.call('dao.unopenable', {}), [bridge]);
  const onDaoChanged = useCallback((onChange: () => void) => bridge.on('dao.changed', onChange), [bridge]);
  const unopenable = useLiveQuery(loadUnopenable, onDaoChanged).data ?? [];
  const [joining, setJoining] = useState(false);
  useReturnFocus(joining);
  const actions = (
    <Group gap="sm" mt={daos?.length === 0 ? 'sm' : 0}>
      <Button variant="default" leftSection={<IconLogin size={16} />} onClick={() => setJoining(true)} data-testid="dao-join-open">
        {t('dao.list.join')}
      </Button>
      <Button leftSection={<IconPlus size={16} />} onClick={() => navigate({ screen: 'dao-create' })} data-testid="dao-create-open">
        {t('dao.list.create')}
      </Button>
    </Group>
  );

  return (
    <Stack gap="lg" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <ScreenTitle>{t('dao.list.title')}</ScreenTitle>
          <Text c="dimmed" size="sm">
            {t('dao.list.subtitle')}
          </Text>
        </Stack>
        {daos && daos.length > 0 && actions}
      </Group>
      <FormError error={error} />
      {unopenable.map(({ dao, message, hint }) => (
        <Alert key={dao} color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={t('dao.list.unopenableTitle')} data-testid="dao-unopenable">
          <Stack gap={4}>
            <Text size="sm">{t('dao.list.unopenableBody')}</Text>
            <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {message}
            </Text>
            {hint !== undefined && <Text size="sm">{hint}</Text>}
          </Stack>
        </Alert>
      ))}
      {daos === null ? (
        !error && <Loader size="sm" aria-label={t('common.loading')} />
      ) : daos.length === 0 ? (
        <EmptyState
          icon={<IconUsersGroup size={28} stroke={1.5} />}
          withIndicatorBackground
          title={t('dao.list.emptyTitle')}
          description={t('dao.list.emptyBody')}
          py="xl"
          data-testid="dao-list-empty"
        >
          {actions}
        </EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg" data-testid="dao-list">
          {daos.map((dao) => (
            <DaoCard key={dao.id} dao={dao} onOpen={() => navigate({ screen: 'dao', dao: dao.id })} />
          ))}
        </SimpleGrid>
      )}
      {joining && <JoinDialog onClose={() => setJoining(false)} onJoined={(dao) => navigate({ screen: 'dao', dao })} />}
    </Stack>
  );
}
