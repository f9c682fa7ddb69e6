// The DAO's rules in words: how it votes (and which kinds of proposal vote their own way), how long things
// take, how results become final, how big it may grow.
import { Card, DataList, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoRulesView } from '../../../../core/bridge/api.ts';
import { formatBps } from '../../../i18n/format-number.ts';
import { ruleKindRows, ruleRows } from '../rule-rows.ts';
import { passingShare } from '../voting-mode-text.ts';

const modeSentence = {
  majority: 'dao.rules.modeSentence.majority',
  reputation: 'dao.rules.modeSentence.reputation',
  quadratic: 'dao.rules.modeSentence.quadratic',
  lazy: 'dao.rules.modeSentence.lazy',
} as const satisfies Record<DaoRulesView['votingMode'], string>;

export function RulesCard({ rules, signaturesNeeded }: { rules: DaoRulesView; signaturesNeeded: number }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const percent = (bps: number): string => formatBps(bps, language);
  const rows = ruleRows(t, rules, language, signaturesNeeded);
  const ownModes = ruleKindRows(t, rules, language);

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="dao-rules">
      <Stack gap="md">
        <div>
          <Title order={4}>{t('dao.rules.title')}</Title>
          <Text size="sm" c="dimmed" data-testid="rule-sentence">
            {t(modeSentence[rules.votingMode], {
              quorum: percent(rules.quorumBps),
              passing: passingShare(t, rules.thresholdBps, language),
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
              {ownModes.map((row) => (
                <DataList.Item key={row.testId}>
                  <DataList.ItemLabel>{row.label}</DataList.ItemLabel>
                  <DataList.ItemValue data-testid={row.testId} data-mode={row.mode}>
                    {row.value}
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
