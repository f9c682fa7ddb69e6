// One DAO: how it syncs and who is online, what it is for, its proposals, its rules and members, its peers,
// what it ignored, and the way out. Shown from the UI's own replica at once, live as the host sends changes;
// each deadline as it passes derives the view again. Sync status and presence are the host's word (dao.peers).
import { Alert, Badge, Grid, Group, Loader, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { CopyableValue } from '../../../components/CopyableValue.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { formatBps } from '../../../i18n/format-number.ts';
import { formatMoment } from '../../../time/format-moment.ts';
import { useDao } from '../../../daos/use-dao.ts';
import { useDaoSyncStatus } from '../../../daos/use-dao-sync-status.ts';
import { useNavigation } from '../../../shell/navigation.tsx';
import { useNodeStatus } from '../../../status/node-status-context.tsx';
import { useRefreshAt } from '../../../time/use-refresh-at.ts';
import { BackLink } from '../BackLink.tsx';
import { modeLabel } from '../dao-labels.ts';
import { DaoSyncSummary } from '../sync/DaoSyncSummary.tsx';
import { CharterCard } from './CharterCard.tsx';
import { DaoPeersCard } from './DaoPeersCard.tsx';
import { EvidenceCard } from './EvidenceCard.tsx';
import { ExitsCard, myExit } from './ExitsCard.tsx';
import { InviteButton } from './InviteButton.tsx';
import { LeaveCard } from './LeaveCard.tsx';
import { MembersCard } from './MembersCard.tsx';
import { NearCapNotice } from './NearCapNotice.tsx';
import { RemovalNotice } from './RemovalNotice.tsx';
import { ProposalsCard } from './ProposalsCard.tsx';
import { RulesCard } from './RulesCard.tsx';
import { StateFootnote } from './StateFootnote.tsx';
import { DraftsCard } from '../texts/DraftsCard.tsx';
import { WorkingCharterCard } from '../texts/WorkingCharterCard.tsx';
import { MemberText } from '../../../components/MemberText.tsx';
import { ScreenTitle } from '../../../layout/ScreenTitle.tsx';

export function DaoHomeScreen({ dao: daoId }: { dao: string }) {
  const { t, i18n } = useTranslation();
  const { navigate } = useNavigation();
  const { data: dao, error, fold, evidenceTotal, refresh } = useDao(daoId);
  const { status: sync } = useDaoSyncStatus(daoId);
  const me = useNodeStatus().status?.address ?? null;
  useRefreshAt(
    (dao?.proposals ?? []).flatMap((proposal) => [proposal.votingEndsAt, proposal.executesAt ?? 0]),
    refresh,
  );
  const back = <BackLink label={t('dao.home.back')} onClick={() => navigate({ screen: 'daos' })} testId="dao-back" />;

  if (!dao) {
    return (
      <Stack gap="lg" maw={1100}>
        {back}
        {error ? <FormError error={error} /> : <Loader size="sm" aria-label={t('common.loading')} />}
      </Stack>
    );
  }

  const left = dao.isMember ? null : myExit(dao, me);
  return (
    <Stack gap="lg" maw={1100} data-testid="dao-home" data-dao={dao.id} data-fold-in={fold?.in} data-fold-restored={fold?.restored}>
      <Stack gap="xs">
        {back}
        <Group justify="space-between" align="flex-end" gap="sm">
          {/* A name may be 80 characters without a space: it wraps anywhere rather than widen the page. */}
          <ScreenTitle data-testid="dao-title" style={{ overflowWrap: 'anywhere', flex: '1 1 320px' }}>
            <MemberText text={dao.name} />
          </ScreenTitle>
          <Group gap="xs">
            <Badge variant="light" color="gray">
              {t('dao.members.count', { count: dao.memberCount, cap: dao.rules.memberCap })}
            </Badge>
            <Badge variant="light">{t(modeLabel[dao.rules.votingMode])}</Badge>
          </Group>
        </Group>
        {(sync || dao.isMember) && (
          <Group justify="space-between" align="flex-start" gap="sm">
            {sync ? <DaoSyncSummary status={sync} /> : <span />}
            {dao.isMember && <InviteButton dao={dao} />}
          </Group>
        )}
      </Stack>
      <FormError error={error} />
      {!dao.isMember && (
        <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="dao-not-member">
          <Stack gap={4}>
            {left && (
              <Text size="sm" data-testid="dao-my-exit">
                {t(left.reason === 'ragequit' ? 'dao.home.youLeft' : 'dao.home.youWereRemoved', {
                  date: formatMoment(t, left.at, i18n.language),
                  claim: formatBps(left.claimBps, i18n.language),
                  shares: left.shares,
                  total: left.totalShares,
                })}
              </Text>
            )}
            <Text size="sm">{t('dao.home.notMember')}</Text>
            {me !== null && <CopyableValue value={me} kind="address" testId="dao-not-member-address" />}
          </Stack>
        </Alert>
      )}
      {dao.myRemoval && <RemovalNotice removal={dao.myRemoval} />}
      {dao.nearCap && <NearCapNotice members={dao.memberCount} cap={dao.rules.memberCap} />}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <ProposalsCard dao={dao} />
            <DraftsCard dao={dao} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="lg">
            <CharterCard charter={dao.charter} />
            <WorkingCharterCard dao={dao} />
            <RulesCard rules={dao.rules} signaturesNeeded={dao.signaturesNeeded} />
          </Stack>
        </Grid.Col>
      </Grid>
      <MembersCard dao={dao} online={sync?.online ?? null} />
      <ExitsCard dao={dao} />
      {sync && <DaoPeersCard status={sync} />}
      <EvidenceCard evidence={dao.evidence} total={evidenceTotal} />
      {dao.isMember && <LeaveCard dao={dao} />}
      <StateFootnote stateHash={dao.stateHash} records={dao.records} />
    </Stack>
  );
}
