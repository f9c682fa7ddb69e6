// Casting or changing this member's vote while voting is open; the buttons show the current choice.
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { ProposalView } from '../../../../core/bridge/api.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { focusIfLost } from '../../../components/lost-focus.ts';
import { useNow } from '../../../time/use-now.ts';
import { CreditsControl, overCredits, votesInRange } from './CreditsControl.tsx';

type Choice = 'yes' | 'no' | 'abstain';

const choiceColor: Record<Choice, string> = { yes: 'teal', no: 'red', abstain: 'gray' };

export interface VoteCardProps {
  dao: string;
  proposal: ProposalView;
  onVoted: () => void;
}

export function VoteCard({ dao, proposal, onVoted }: VoteCardProps) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const now = useNow();
  const quadratic = proposal.votingMode === 'quadratic';
  const [votes, setVotes] = useState<number | string>(proposal.myVote?.votes ?? 1);
  // The field follows the vote the node holds when that changes (this vote, or one from another device).
  const [heldVotes, setHeldVotes] = useState(proposal.myVote?.votes);
  if (heldVotes !== proposal.myVote?.votes) {
    setHeldVotes(proposal.myVote?.votes);
    setVotes(proposal.myVote?.votes ?? 1);
  }
  const buttons = useRef<Partial<Record<Choice, HTMLButtonElement | null>>>({});
  const [busy, setBusy] = useState<Choice | null>(null);
  const [hostError, setHostError] = useState<unknown>(null);
  const over = now >= proposal.votingEndsAt;
  // A cleared, partial or out-of-range votes field is no number of votes: nothing is sent until it is one.
  const votesUnset = quadratic && !votesInRange(votes);
  // Votes that cost more than this ballot may spend: the host would refuse them, so nothing is sent.
  const tooMany = quadratic && overCredits(votes, proposal.myCredits);
  const mine = proposal.myVote?.choice ?? null;
  const label: Record<Choice, string> = {
    yes: t('proposal.vote.yes'),
    no: proposal.votingMode === 'lazy' ? t('proposal.vote.object') : t('proposal.vote.no'),
    abstain: t('proposal.vote.abstain'),
  };

  async function vote(choice: Choice): Promise<void> {
    setBusy(choice);
    setHostError(null);
    try {
      await bridge.call('dao.vote', { dao, proposal: proposal.id, choice, ...(quadratic && typeof votes === 'number' ? { votes } : {}) });
      onVoted();
    } catch (error) {
      setHostError(error);
    } finally {
      // The button was disabled while busy, which dropped the focus: it goes back to it, enabled again.
      flushSync(() => setBusy(null));
      focusIfLost(buttons.current[choice]);
    }
  }

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="vote-card">
      <Stack gap="md">
        <div>
          <Title order={4}>{t('proposal.vote.title')}</Title>
          <Text size="sm" c="dimmed" data-testid="vote-mine" data-choice={mine ?? ''}>
            {mine
              ? quadratic
                ? t('proposal.vote.mineVotes', { choice: label[mine], count: proposal.myVote?.votes ?? 0 })
                : t('proposal.vote.mine', { choice: label[mine] })
              : proposal.votingMode === 'lazy'
                ? t('proposal.vote.noneLazy')
                : t('proposal.vote.none')}
          </Text>
        </div>
        {quadratic && <CreditsControl votes={votes} onChange={setVotes} credits={proposal.myCredits} disabled={busy !== null || over} />}
        <Group gap="sm">
          {(['yes', 'no', 'abstain'] as const).map((choice) => (
            <Button
              key={choice}
              ref={(button) => {
                buttons.current[choice] = button;
              }}
              color={choiceColor[choice]}
              variant={mine === choice ? 'filled' : 'light'}
              leftSection={mine === choice ? <IconCheck size={16} /> : undefined}
              loading={busy === choice}
              disabled={over || votesUnset || tooMany || (busy !== null && busy !== choice)}
              onClick={() => void vote(choice)}
              aria-pressed={mine === choice}
              data-testid={`vote-${choice}`}
            >
              {label[choice]}
            </Button>
          ))}
        </Group>
        <Text size="xs" c="dimmed">
          {over ? t('proposal.vote.over') : mine ? t('proposal.vote.changeHint') : t('proposal.vote.hint')}
        </Text>
        <FormError error={hostError} />
      </Stack>
    </Card>
  );
}
