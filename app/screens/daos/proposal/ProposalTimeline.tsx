// Where the proposal is in its life: proposed, voting (with the time left), result, grace period (when it
// takes effect, with the time left). Countdowns tick every second.
import { Card, Stack, Text, Timeline, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProposalView } from '../../../../core/bridge/api.ts';
import { Countdown } from '../../../components/Countdown.tsx';
import { MemberAddress } from '../../../components/MemberAddress.tsx';
import { formatDuration } from '../../../time/duration-text.ts';
import { formatMoment } from '../../../time/format-moment.ts';

/** The step the proposal is at: proposed, voting, result, takes effect. */
const step: Record<ProposalView['status'], number> = { open: 1, withdrawn: 1, closed: 2, rejected: 2, passed: 3, executed: 3, failed: 3 };

export function ProposalTimeline({ proposal, gracePeriodMs }: { proposal: ProposalView; gracePeriodMs: number }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const at = (ms: number): string => formatMoment(t, ms, language);
  const { status } = proposal;

  const voting =
    status === 'open' ? (
      <Countdown
        until={proposal.votingEndsAt}
        running={(left) => t('proposal.timeline.votingEndsIn', { time: left })}
        elapsed={t('proposal.timeline.votingEnding')}
        size="sm"
        fw={600}
        testId="voting-countdown"
      />
    ) : status === 'withdrawn' ? (
      <Text size="sm">{t('proposal.timeline.withdrawn')}</Text>
    ) : (
      <Text size="sm" data-testid="voting-countdown" data-elapsed="true">
        {t('proposal.timeline.votingEnded', { date: at(proposal.votingEndsAt) })}
      </Text>
    );

  const result = {
    open: t('proposal.timeline.resultLater'),
    withdrawn: t('proposal.timeline.resultNone'),
    closed: t('proposal.timeline.resultSigning'),
    passed: t('proposal.timeline.resultPassed'),
    executed: t('proposal.timeline.resultPassed'),
    failed: t('proposal.timeline.resultPassed'),
    rejected: t('proposal.timeline.resultRejected'),
  }[status];

  // Passed: it takes effect at executesAt; the status stays `passed` until a record claims a later time, within
  // seconds (see EffectNote), and only then is it in effect.
  const executesAt = proposal.executesAt;
  const effect =
    status === 'passed' && executesAt !== null ? (
      <Countdown
        until={executesAt}
        running={(left) => t('proposal.timeline.effectAt', { date: at(executesAt), time: left })}
        elapsed={t('proposal.timeline.effectDue', { date: at(executesAt) })}
        size="sm"
        fw={600}
        testId="grace-countdown"
      />
    ) : status === 'executed' ? (
      <Text size="sm" data-testid="grace-countdown" data-elapsed="true">
        {proposal.executesAt !== null ? t('proposal.timeline.effectDone', { date: at(proposal.executesAt) }) : t('proposal.timeline.effectDoneUndated')}
      </Text>
    ) : status === 'rejected' || status === 'withdrawn' ? (
      <Text size="sm">{t('proposal.timeline.effectNever')}</Text>
    ) : status === 'failed' ? (
      <Text size="sm" data-testid="effect-failed">
        {t('proposal.timeline.effectFailed')}
      </Text>
    ) : (
      <Text size="sm">
        {gracePeriodMs > 0 ? t('proposal.timeline.effectAfterGrace', { duration: formatDuration(t, gracePeriodMs) }) : t('proposal.timeline.effectAtOnce')}
      </Text>
    );

  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <Title order={4}>{t('proposal.timeline.title')}</Title>
        <Timeline active={step[status]} bulletSize={16} lineWidth={2}>
          <Timeline.Item title={t('proposal.timeline.proposed')}>
            <Text size="sm" c="dimmed" component="div">
              {at(proposal.createdAt)} · <MemberAddress address={proposal.author} size="sm" />
            </Text>
          </Timeline.Item>
          <Timeline.Item title={t('proposal.timeline.voting')}>{voting}</Timeline.Item>
          <Timeline.Item title={t('proposal.timeline.result')}>
            <Text size="sm">{result}</Text>
          </Timeline.Item>
          <Timeline.Item title={t('proposal.timeline.effect')}>{effect}</Timeline.Item>
        </Timeline>
      </Stack>
    </Card>
  );
}
