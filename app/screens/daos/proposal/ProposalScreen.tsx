// One proposal: what it asks, where it stands in time, the live tally, this member's vote, the signatures
// that make its result final, and withdrawing or leaving. Live like the DAO it belongs to (use-dao.ts).
import { Alert, Badge, Grid, Group, Loader, Stack } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { FormError } from '../../../components/FormError.tsx';
import { useDao } from '../../../daos/use-dao.ts';
import { useNavigation } from '../../../shell/navigation.tsx';
import { useRefreshAt } from '../../../time/use-refresh-at.ts';
import { BackLink } from '../BackLink.tsx';
import { kindLabel } from '../dao-labels.ts';
import { EffectNote } from '../EffectNote.tsx';
import { ProposalStatusBadge } from '../ProposalStatusBadge.tsx';
import { CertificateCard } from './CertificateCard.tsx';
import { FailureNote } from './FailureNote.tsx';
import { ProposalActions } from './ProposalActions.tsx';
import { ProposalEffect } from './ProposalEffect.tsx';
import { ProposalTimeline } from './ProposalTimeline.tsx';
import { TallyCard } from './TallyCard.tsx';
import { VoteCard } from './VoteCard.tsx';
import { MemberText } from '../../../components/MemberText.tsx';
import { ScreenTitle } from '../../../layout/ScreenTitle.tsx';

export function ProposalScreen({ dao: daoId, proposal: proposalId }: { dao: string; proposal: string }) {
  const { t } = useTranslation();
  const { navigate } = useNavigation();
  const { data: dao, error, syncing, refresh } = useDao(daoId);
  const proposal = dao?.proposals.find((entry) => entry.id === proposalId) ?? null;
  useRefreshAt(proposal ? [proposal.votingEndsAt, proposal.executesAt ?? 0] : [], refresh);
  const back = (
    <BackLink
      label={dao ? t('proposal.detail.back', { name: dao.name }) : t('dao.home.back')}
      onClick={() => navigate(dao ? { screen: 'dao', dao: dao.id } : { screen: 'daos' })}
      testId="proposal-back"
    />
  );

  if (!dao || !proposal) {
    return (
      <Stack gap="lg" maw={1100}>
        {back}
        {error ? (
          <FormError error={error} />
        ) : dao && !syncing ? (
          <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="proposal-missing">
            {t('proposal.detail.missing')}
          </Alert>
        ) : (
          <Loader size="sm" aria-label={t('common.loading')} />
        )}
      </Stack>
    );
  }

  const voting = proposal.status === 'open' && dao.isMember;
  const counting = proposal.status !== 'open' && proposal.status !== 'withdrawn';
  return (
    <Stack gap="lg" maw={1100} data-testid="proposal-detail" data-proposal={proposal.id} data-status={proposal.status}>
      <Stack gap="xs">
        {back}
        <Group justify="space-between" align="flex-start" gap="sm">
          <ScreenTitle data-testid="proposal-heading" style={{ overflowWrap: 'anywhere', flex: '1 1 320px' }}>
            <MemberText text={proposal.title} />
          </ScreenTitle>
          <Group gap="xs" wrap="nowrap" pt={6}>
            <Badge variant="outline" color="gray" style={{ flexShrink: 0 }} data-testid="proposal-kind-badge">
              {t(kindLabel[proposal.kind])}
            </Badge>
            <ProposalStatusBadge status={proposal.status} testId="proposal-status" />
          </Group>
        </Group>
        <EffectNote proposal={proposal} size="sm" fw={600} />
        <FailureNote proposal={proposal} />
        <ProposalEffect proposal={proposal} rules={dao.rules} proposals={dao.proposals} />
      </Stack>
      <FormError error={error} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <TallyCard proposal={proposal} />
            {voting && <VoteCard dao={dao.id} proposal={proposal} onVoted={() => void refresh()} />}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="lg">
            <ProposalTimeline proposal={proposal} gracePeriodMs={dao.rules.gracePeriodMs} />
            {counting && (
              <CertificateCard
                dao={dao.id}
                proposal={proposal}
                threshold={dao.signaturesNeeded}
                isMember={dao.isMember}
                onSigned={() => void refresh()}
              />
            )}
            <ProposalActions dao={dao} proposal={proposal} onChanged={() => void refresh()} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
