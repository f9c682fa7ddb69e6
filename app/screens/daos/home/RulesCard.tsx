// The DAO's rules in words: how it votes (and which kinds of proposal vote their own way), how long things
// take, how results become final, how big it may grow.
import { Card, DataList, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoRulesView } from '../../../../core/bridge/api.ts';
import { formatBps } from '../../../i18n/format-number.ts';
import { formatDuration } from '../../../time/duration-text.ts';
import { kindLabel, modeLabel, proposalKinds } from '../dao-labels.ts';
import { describeVotingMode } from '../voting-mode-text.ts';

const modeSentence = {
  majority: 'dao.rules.modeSentence.majority',
  reputation: 'dao.rules.modeSentence.reputation',
  quadratic: 'dao.rules.modeSentence.quadratic',
  lazy: 'dao.rules.modeSentence.lazy',
} as const satisfies Record<DaoRulesView['votingMode'], string>;

const splitLabel = {
  equal: 'dao.rules.split.equal',
  shares: 'dao.rules.split.shares',
  reputation: 'dao.rules.split.reputation',
} as const satisfies Record<DaoRulesView['income']['split'], string>;

export function RulesCard({ rules }: { rules: DaoRulesView }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const percent = (bps: number): string => formatBps(bps, language);
  const rows: { label: string; value: string; testId: string }[] = [
    { label: t('dao.rules.voting'), value: t(modeLabel[rules.votingMode]), testId: 'rule-mode' },
  ];
  if (rules.votingMode === 'lazy') {
    rows.push({ label: t('dao.rules.objection'), value: t('dao.rules.objectionValue', { share: percent(rules.objectionBps) }), testId: 'rule-objection' });
  } else {
    rows.push(
      { label: t('dao.rules.quorum'), value: t('dao.rules.quorumValue', { share: percent(rules.quorumBps) }), testId: 'rule-quorum' },
      { label: t('dao.rules.threshold'), value: t('dao.rules.thresholdValue', { share: percent(rules.thresholdBps) }), testId: 'rule-threshold' },
    );
  }
  if (rules.votingMode === 'quadratic') {
    rows.push({ label: t('dao.rules.credits'), value: t('dao.rules.creditsValue', { count: rules.creditsPerEpoch }), testId: 'rule-credits' });
  }
  rows.push(
    { label: t('dao.rules.votingPeriod'), value: formatDuration(t, rules.votingPeriodMs), testId: 'rule-voting-period' },
    {
      label: t('dao.rules.gracePeriod'),
      value: rules.gracePeriodMs > 0 ? formatDuration(t, rules.gracePeriodMs) : t('dao.rules.none'),
      testId: 'rule-grace-period',
    },
    { label: t('dao.rules.signatures'), value: t('dao.rules.signaturesValue', { count: rules.signatureThreshold }), testId: 'rule-signatures' },
    { label: t('dao.rules.memberCap'), value: t('dao.rules.memberCapValue', { count: rules.memberCap }), testId: 'rule-member-cap' },
    {
      label: t('dao.rules.halfLife'),
      value: rules.reputationHalfLifeMs === null ? t('dao.rules.noDecay') : formatDuration(t, rules.reputationHalfLifeMs),
      testId: 'rule-half-life',
    },
    {
      label: t('dao.rules.income'),
      value: t('dao.rules.incomeValue', { treasury: percent(rules.income.treasuryBps), split: t(splitLabel[rules.income.split]) }),
      testId: 'rule-income',
    },
  );

  const ownModes = proposalKinds.flatMap((kind) => {
    const mode = rules.votingByKind[kind];
    return mode ? [[kind, mode] as const] : [];
  });

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="dao-rules">
      <Stack gap="md">
        <div>
          <Title order={4}>{t('dao.rules.title')}</Title>
          <Text size="sm" c="dimmed" data-testid="rule-sentence">
            {t(modeSentence[rules.votingMode], {
              quorum: percent(rules.quorumBps),
              threshold: percent(rules.thresholdBps),
              objection: percent(rules.objectionBps),
              credits: rules.creditsPerEpoch,
            })}
          </Text>
        </div>
        <DataList size="sm" labelWidth="40%" withDivider>
          {rows.map((row) => (
            <DataList.Item key={row.testId}>
              <DataList.ItemLabel>{row.label}</DataList.ItemLabel>
              <DataList.ItemValue data-testid={row.testId}>{row.value}</DataList.ItemValue>
            </DataList.Item>
          ))}
        </DataList>
        {ownModes.length > 0 && (
          <Stack gap="xs" data-testid="rule-kinds">
            <Text size="sm" fw={600}>
              {t('dao.rules.byKind')}
            </Text>
            <DataList size="sm" labelWidth="40%" withDivider>
              {ownModes.map(([kind, mode]) => (
                <DataList.Item key={kind}>
                  <DataList.ItemLabel>{t(kindLabel[kind])}</DataList.ItemLabel>
                  <DataList.ItemValue data-testid={`rule-kind-${kind}`} data-mode={mode.votingMode}>
                    {describeVotingMode(t, mode, language)}
                  </DataList.ItemValue>
                </DataList.Item>
              ))}
            </DataList>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
