// A DAO's proposals, the ones still being decided first, and the way to make a new one.
import { Button, Card, EmptyState, Group, Stack, Text, Title } from '@mantine/core';
import { IconPlus, IconScale } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView, ProposalView } from '../../../../core/bridge/api.ts';
import { useReturnFocus } from '../../../components/use-return-focus.ts';
import { useNavigation } from '../../../shell/navigation.tsx';
import { NewProposalDialog } from '../new-proposal/NewProposalDialog.tsx';
import { ProposalRow } from './ProposalRow.tsx';

const undecided = new Set<ProposalView['status']>(['open', 'closed']);
/**
 * Proposals shown before "Show all": those still being decided come first, so these are what needs attention.
 * A DAO of years holds thousands, and rendering them all would hold up the page on every change.
 */
const shownAtFirst = 20;

function byAttention(a: ProposalView, b: ProposalView): number {
  const rank = (proposal: ProposalView): number => (undecided.has(proposal.status) ? 0 : 1);
  return rank(a) - rank(b) || b.createdAt - a.createdAt;
}

export function ProposalsCard({ dao }: { dao: DaoView }) {
  const { t } = useTranslation();
  const { navigate } = useNavigation();
  const [composing, setComposing] = useState(false);
  useReturnFocus(composing);
  const [showAll, setShowAll] = useState(false);
  const proposals = [...dao.proposals].sort(byAttention);
  const shown = showAll ? proposals : proposals.slice(0, shownAtFirst);

  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={4}>{t('proposal.list.title')}</Title>
          {dao.isMember && (
            <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setComposing(true)} data-testid="proposal-new">
              {t('proposal.list.new')}
            </Button>
          )}
        </Group>
        {proposals.length === 0 ? (
          <EmptyState
            icon={<IconScale size={26} stroke={1.5} />}
            withIndicatorBackground
            title={t('proposal.list.emptyTitle')}
            description={dao.isMember ? t('proposal.list.emptyBody') : t('proposal.list.emptyBodyVisitor')}
            py="md"
            data-testid="proposals-empty"
          />
        ) : (
          <Stack gap="xs" data-testid="proposal-list">
            {shown.map((proposal) => (
              <ProposalRow
                key={proposal.id}
                proposal={proposal}
                rules={dao.rules}
                onOpen={() => navigate({ screen: 'proposal', dao: dao.id, proposal: proposal.id })}
              />
            ))}
          </Stack>
        )}
        {proposals.length > shownAtFirst && (
          <Group justify="center">
            <Button size="xs" variant="subtle" onClick={() => setShowAll((current) => !current)} data-testid="proposal-show-all">
              {showAll ? t('proposal.list.showFewer') : t('proposal.list.showAll', { count: proposals.length })}
            </Button>
          </Group>
        )}
        {!dao.isMember && (
          <Text size="sm" c="dimmed">
            {t('proposal.list.visitorNote')}
          </Text>
        )}
      </Stack>
      {composing && (
        <NewProposalDialog
          dao={dao}
          onClose={() => setComposing(false)}
          onCreated={(proposal) => navigate({ screen: 'proposal', dao: dao.id, proposal })}
        />
      )}
    </Card>
  );
}
