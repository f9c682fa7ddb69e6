// Who left the DAO, by rage quit or removal, and the claim on the books each left with: what the payouts settle.
import { Anchor, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoView, ExitView } from '../../../../core/bridge/api.ts';
import { CopyableValue } from '../../../components/CopyableValue.tsx';
import { formatBps } from '../../../i18n/format-number.ts';
import { useNavigation } from '../../../shell/navigation.tsx';
import { useNodeStatus } from '../../../status/node-status-context.tsx';
import { formatMoment } from '../../../time/format-moment.ts';

export function ExitsCard({ dao }: { dao: DaoView }) {
  const { t, i18n } = useTranslation();
  const { navigate } = useNavigation();
  const me = useNodeStatus().status?.address?.toLowerCase();
  if (dao.exits.length === 0) return null;
  const titleOf = new Map(dao.proposals.map((proposal) => [proposal.id, proposal.title]));
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="exits-card">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={4}>{t('dao.exits.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('dao.exits.description')}
          </Text>
        </Stack>
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dao.exits.member')}</Table.Th>
                <Table.Th>{t('dao.exits.how')}</Table.Th>
                <Table.Th ta="right">{t('dao.exits.claim')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {dao.exits.map((exit) => (
                <Table.Tr key={`${exit.member}-${exit.source}`} data-testid="exit-row" data-address={exit.member} data-reason={exit.reason} data-claim-bps={exit.claimBps}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <CopyableValue value={exit.member} kind="address" />
                      {exit.member.toLowerCase() === me && (
                        <Badge size="xs" variant="light" color="indigo" style={{ flexShrink: 0 }}>
                          {t('common.you')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      <Text size="sm">{t(exit.reason === 'ragequit' ? 'dao.exits.ragequit' : 'dao.exits.removed')}</Text>
                      <Text size="xs" c="dimmed">
                        {formatMoment(t, exit.at, i18n.language)}
                      </Text>
                      <GraceNote exit={exit} titleOf={titleOf} onOpen={(proposal) => navigate({ screen: 'proposal', dao: dao.id, proposal })} />
                    </Stack>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" data-testid="exit-claim">
                      {formatBps(exit.claimBps, i18n.language)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t('dao.exits.claimShares', { shares: exit.shares, total: exit.totalShares })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Card>
  );
}

/** The passed proposals whose grace period a rage quit fell in, which the member had voted against. */
function GraceNote({ exit, titleOf, onOpen }: { exit: ExitView; titleOf: ReadonlyMap<string, string>; onOpen: (proposal: string) => void }) {
  const { t } = useTranslation();
  if (exit.duringGraceOf.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="exit-grace">
      {t('dao.exits.duringGrace')}{' '}
      {exit.duringGraceOf.map((proposal, index) => (
        <span key={proposal}>
          {index > 0 && ', '}
          <Anchor component="button" type="button" size="xs" onClick={() => onOpen(proposal)} style={{ overflowWrap: 'anywhere' }}>
            {titleOf.get(proposal) ?? proposal}
          </Anchor>
        </span>
      ))}
    </Text>
  );
}

/** This member's own last exit, for the note on the page of a DAO they are no longer in; null when none. */
export function myExit(dao: DaoView, me: string | null): ExitView | null {
  if (me === null) return null;
  const mine = dao.exits.filter((exit) => exit.member.toLowerCase() === me.toLowerCase());
  return mine[mine.length - 1] ?? null;
}
