// The tally as the host counts it: yes, no and abstain as bars with their numbers, whether enough members
// voted (under lazy consensus, which has no quorum: the objections so far against those that reject), and what
// the votes give (so far, or finally). The UI only draws it; no counting happens here.
import { Badge, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { describeVotingMode } from '../voting-mode-text.ts';
import type { ProposalView } from '../../../../core/bridge/api.ts';
import { formatAmount, formatBps } from '../../../i18n/format-number.ts';

type Choice = 'yes' | 'no' | 'abstain';

const choiceColor: Record<Choice, string> = { yes: 'teal', no: 'red', abstain: 'gray' };

const unitCaption = {
  majority: 'proposal.tally.unit.majority',
  reputation: 'proposal.tally.unit.reputation',
  quadratic: 'proposal.tally.unit.quadratic',
  lazy: 'proposal.tally.unit.lazy',
} as const satisfies Record<ProposalView['votingMode'], string>;

const outcomeLabel = {
  voting: { passed: 'proposal.tally.wouldPass', rejected: 'proposal.tally.wouldFail' },
  counted: { passed: 'proposal.tally.countedPass', rejected: 'proposal.tally.countedFail' },
  final: { passed: 'proposal.tally.finalPassed', rejected: 'proposal.tally.finalRejected' },
} as const;

// The fold's reasons (core/governance/tally.ts), in the user's language; any other reason shows as the host gave it.
type ReasonKey = `proposal.tally.reasons.${'passed' | 'quorumNotMet' | 'tie' | 'thresholdNotMet' | 'objectionsReached'}`;
const reasonLabel = new Map<string, ReasonKey>([
  ['passed', 'proposal.tally.reasons.passed'],
  ['quorum not met', 'proposal.tally.reasons.quorumNotMet'],
  ['tie', 'proposal.tally.reasons.tie'],
  ['threshold not met', 'proposal.tally.reasons.thresholdNotMet'],
  ['objections reached', 'proposal.tally.reasons.objectionsReached'],
]);

/** Whether the outcome is a forecast (voting), counted but not yet signed, or final. */
function stage(status: ProposalView['status']): keyof typeof outcomeLabel {
  if (status === 'open' || status === 'withdrawn') return 'voting';
  if (status === 'closed') return 'counted';
  return 'final';
}

export function TallyCard({ proposal }: { proposal: ProposalView }) {
  const { t, i18n } = useTranslation();
  const { tally } = proposal;
  const lazy = proposal.votingMode === 'lazy';
  const objectionsReached = tally.objections !== null && tally.no >= tally.objections.toReject;
  const total = tally.yes + tally.no + tally.abstain;
  const reasonKey = reasonLabel.get(tally.reason);
  const choiceLabel: Record<Choice, string> = {
    yes: t('proposal.vote.yes'),
    no: proposal.votingMode === 'lazy' ? t('proposal.vote.object') : t('proposal.vote.no'),
    abstain: t('proposal.vote.abstain'),
  };

  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={4}>{t('proposal.tally.title')}</Title>
            <Text size="sm" c="dimmed" data-testid="tally-mode">
              {t(unitCaption[proposal.votingMode])}
            </Text>
            {/* Which numbers decide this one: its kind may vote its own way (a supermajority for removals). */}
            {proposal.voting && (
              <Text size="sm" c="dimmed" data-testid="tally-rule">
                {describeVotingMode(t, proposal.voting, i18n.language)}
              </Text>
            )}
          </div>
          {!lazy && (
            <Badge variant="light" color={tally.quorumMet ? 'teal' : 'gray'} data-testid="tally-quorum" data-met={tally.quorumMet ? 'true' : 'false'}>
              {tally.quorumMet ? t('proposal.tally.quorumMet') : t('proposal.tally.quorumNotMet')}
            </Badge>
          )}
          {tally.objections && (
            <Badge variant="light" color={objectionsReached ? 'red' : 'gray'} data-testid="tally-objections-badge" data-reached={objectionsReached ? 'true' : 'false'}>
              {t('proposal.tally.objectionsSoFar', { objections: formatAmount(tally.no), toReject: tally.objections.toReject })}
            </Badge>
          )}
        </Group>

        <Stack gap="sm" data-testid="tally-chart" role="figure" aria-label={t('proposal.tally.title')}>
          {(['yes', 'no', 'abstain'] as const).map((choice) => (
            <div key={choice}>
              <Group justify="space-between" mb={4}>
                <Text size="sm" fw={500}>
                  {choiceLabel[choice]}
                </Text>
                <Text size="sm" fw={650} ff="monospace" data-testid={`tally-${choice}`}>
                  {formatAmount(tally[choice])}
                </Text>
              </Group>
              <Progress
                value={total > 0 ? (100 * tally[choice]) / total : 0}
                color={choiceColor[choice]}
                size="lg"
                radius="sm"
                transitionDuration={300}
                aria-label={choiceLabel[choice]}
              />
            </div>
          ))}
        </Stack>

        <Stack gap={2}>
          <Text size="sm" c="dimmed" data-testid="tally-voters">
            {t('proposal.tally.voters', { count: tally.voters })}
          </Text>
          {tally.objections && (
            <Text size="sm" c="dimmed" data-testid="tally-objections">
              {t('proposal.tally.objectionsReject', {
                count: tally.objections.toReject,
                share: formatBps(tally.objections.objectionBps, i18n.language),
                members: tally.objections.electorate,
              })}
            </Text>
          )}
        </Stack>
        <Stack gap={2}>
          {proposal.status !== 'withdrawn' && (
            <Text size="sm" fw={600} data-testid="tally-outcome" data-outcome={tally.outcome}>
              {t(outcomeLabel[stage(proposal.status)][tally.outcome])}
            </Text>
          )}
          {tally.reason && (
            <Text size="sm" c="dimmed" data-testid="tally-reason">
              {reasonKey ? t(reasonKey) : tally.reason}
            </Text>
          )}
        </Stack>
      </Stack>
    </Card>
  );
}
