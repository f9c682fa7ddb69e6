// Quadratic voting: how many votes to put on this proposal, what they cost (n votes cost n² voice
// credits, as the rule says) and how many this ballot may cost in its proposal's epoch, as the host reports it.
// Votes that cost more than that are refused by the host, so the control says so before anything is sent.
import { Group, NumberInput, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { maxBallotVotes } from '../../../../core/bridge/api.ts';
import { ballotCost, mostVotesFor } from '../../../../core/governance/voice-credits.ts';

export interface CreditsControlProps {
  votes: number | string;
  onChange: (votes: number | string) => void;
  credits: number | null;
  disabled: boolean;
}

/** Is `votes` a number of votes a ballot may carry (a cleared field or a partial number is none)? */
export function votesInRange(votes: number | string): votes is number {
  return typeof votes === 'number' && Number.isInteger(votes) && votes >= 1 && votes <= maxBallotVotes;
}

/** Do `votes` votes cost more than the `credits` this ballot may spend (null: the host reports no budget)? */
export function overCredits(votes: number | string, credits: number | null): boolean {
  return typeof votes === 'number' && credits !== null && ballotCost(votes) > credits;
}

export function CreditsControl({ votes, onChange, credits, disabled }: CreditsControlProps) {
  const { t } = useTranslation();
  const inRange = votesInRange(votes);
  const n = inRange ? votes : 0;
  const cost = ballotCost(n);
  // A number typed out of range (-5, 5000) would show a cost for votes no ballot carries: say the range instead.
  const outOfRange = typeof votes === 'number' && !inRange;
  const over = inRange && overCredits(votes, credits);
  const most = credits === null ? 0 : mostVotesFor(credits);
  return (
    <Stack gap={4}>
      <Group gap="md" align="flex-end" wrap="wrap">
        <NumberInput
          label={t('proposal.vote.votes')}
          value={votes}
          onChange={onChange}
          min={1}
          max={maxBallotVotes}
          allowDecimal={false}
          w={140}
          disabled={disabled}
          error={over || outOfRange}
          data-testid="vote-credits"
        />
        <Text size="sm" c="dimmed" pb={8} data-testid="vote-credits-cost">
          {inRange && `${t('proposal.vote.cost', { votes: n, count: cost })}${credits !== null ? ' · ' : ''}`}
          {credits !== null && t('proposal.vote.creditsLeft', { count: credits })}
        </Text>
      </Group>
      {outOfRange && (
        <Text size="sm" c="red" role="alert" data-testid="vote-credits-range">
          {t('proposal.vote.votesRange', { most: maxBallotVotes })}
        </Text>
      )}
      {over && (
        <Text size="sm" c="red" role="alert" data-testid="vote-credits-over">
          {most === 0 ? t('proposal.vote.noCredits') : t('proposal.vote.tooMany', { votes: n, cost, credits, count: most })}
        </Text>
      )}
    </Stack>
  );
}
