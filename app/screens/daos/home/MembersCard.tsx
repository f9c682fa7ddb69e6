// Who is in the DAO, with the shares each holds (their part of the books) and reputation earned, and who is
// online now (null while the host has not said).
import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import { CopyableValue } from '../../../components/CopyableValue.tsx';
import { useNodeStatus } from '../../../status/node-status-context.tsx';

export function MembersCard({ dao, online }: { dao: DaoView; online: readonly string[] | null }) {
  const { t } = useTranslation();
  const { status } = useNodeStatus();
  const me = status?.address?.toLowerCase();
  const onlineNow = new Set(online?.map((address) => address.toLowerCase()));
  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <Group gap="sm">
          <Title order={4}>{t('dao.members.title')}</Title>
          <Badge variant="light" color="gray" data-testid="dao-member-count">
            {t('dao.members.count', { count: dao.memberCount, cap: dao.rules.memberCap })}
          </Badge>
        </Group>
        <Table.ScrollContainer minWidth={420}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dao.members.address')}</Table.Th>
                <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>{t('dao.members.shares')}</Table.Th>
                <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>{t('dao.members.reputation')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {dao.members.map((member) => {
                const isOnline = onlineNow.has(member.address.toLowerCase());
                return (
                  <Table.Tr key={member.address} data-testid="member-row" data-address={member.address} data-online={isOnline ? 'true' : 'false'}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <CopyableValue value={member.address} kind="address" />
                        {member.address.toLowerCase() === me && (
                          <Badge size="xs" variant="light" color="indigo" style={{ flexShrink: 0 }}>
                            {t('common.you')}
                          </Badge>
                        )}
                        {isOnline && (
                          <Badge size="xs" variant="dot" color="teal" style={{ flexShrink: 0 }} data-testid="member-online">
                            {t('dao.presence.online')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right" data-testid="member-shares">
                      {member.shares}
                    </Table.Td>
                    <Table.Td ta="right" data-testid="member-reputation">
                      {member.reputation}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {dao.members.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('dao.members.empty')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
