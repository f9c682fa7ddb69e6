// Quadratic voting: how many votes to put on this proposal, what they cost (n votes cost n² voice
// credits, as the rule says) and how many this ballot may cost in its proposal's epoch, as the host reports it.
import { Group, NumberInput, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export interface CreditsControlProps {
  votes: number | string;
  onChange: (votes: number | string) => void;
  credits: number | null;
  disabled: boolean;
}

export function CreditsControl({ votes, onChange, credits, disabled }: CreditsControlProps) {
  const { t } = useTranslation();
  const n = typeof votes === 'number' ? votes : 0;
  return (
    <Group gap="md" align="flex-end" wrap="wrap">
      <NumberInput
        label={t('proposal.vote.votes')}
        value={votes}
        onChange={onChange}
        min={1}
        max={1000}
        allowDecimal={false}
        w={140}
        disabled={disabled}
        data-testid="vote-credits"
      />
      <Text size="sm" c="dimmed" pb={8} data-testid="vote-credits-cost">
        {t('proposal.vote.cost', { votes: n, count: n * n })}
        {credits !== null && ` · ${t('proposal.vote.creditsLeft', { count: credits })}`}
      </Text>
    </Group>
  );
}
