// The rules a proposal can change, filled in with the DAO's current rules (and its per-kind voting modes);
// only changed ones are proposed.
import { Group, NumberInput, Select, SimpleGrid, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoRulesView } from '../../../../core/bridge/api.ts';
import { PeriodInput } from '../../../components/PeriodInput.tsx';
import { modeLabel, votingModes } from '../dao-labels.ts';
import { KindModesFields } from '../KindModesFields.tsx';
import type { ProposalProblems, RulesDraft } from './proposal-form.ts';

type VotingMode = DaoRulesView['votingMode'];

export interface RulesChangeFieldsProps {
  value: RulesDraft;
  /** The rules in force, for the per-kind modes a change may keep. */
  current: DaoRulesView;
  onChange: (value: RulesDraft) => void;
  problems: ProposalProblems['rules'];
  disabled: boolean;
}

export function RulesChangeFields({ value, current, onChange, problems, disabled }: RulesChangeFieldsProps) {
  const { t } = useTranslation();
  const set = <K extends keyof RulesDraft>(field: K, next: RulesDraft[K]): void => onChange({ ...value, [field]: next });
  const problem = (field: keyof NonNullable<ProposalProblems['rules']>): string | undefined => {
    const key = problems?.[field];
    return key ? t(key) : undefined;
  };
  const percentProps = { min: 0, max: 100, decimalScale: 2, suffix: ' %', disabled } as const;

  return (
    <Stack gap="sm">
      <Select<VotingMode>
        label={t('proposal.form.rules.mode')}
        data={votingModes.map((mode) => ({ value: mode, label: t(modeLabel[mode]) }))}
        value={value.votingMode}
        onChange={(mode) => mode && set('votingMode', mode)}
        allowDeselect={false}
        disabled={disabled}
        comboboxProps={{ withinPortal: true }}
        data-testid="proposal-rule-mode"
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        {value.votingMode === 'lazy' ? (
          <NumberInput
            label={t('proposal.form.rules.objection')}
            value={value.objectionPercent}
            onChange={(next) => set('objectionPercent', next)}
            error={problem('objectionPercent')}
            {...percentProps}
            data-testid="proposal-rule-objection"
          />
        ) : (
          <>
            <NumberInput
              label={t('proposal.form.rules.quorum')}
              value={value.quorumPercent}
              onChange={(next) => set('quorumPercent', next)}
              error={problem('quorumPercent')}
              {...percentProps}
              data-testid="proposal-rule-quorum"
            />
            <NumberInput
              label={t('proposal.form.rules.threshold')}
              value={value.thresholdPercent}
              onChange={(next) => set('thresholdPercent', next)}
              error={problem('thresholdPercent')}
              {...percentProps}
              data-testid="proposal-rule-threshold"
            />
          </>
        )}
        {value.votingMode === 'quadratic' && (
          <NumberInput
            label={t('proposal.form.rules.credits')}
            value={value.creditsPerEpoch}
            onChange={(next) => set('creditsPerEpoch', next)}
            error={problem('creditsPerEpoch')}
            min={1}
            allowDecimal={false}
            disabled={disabled}
            data-testid="proposal-rule-credits"
          />
        )}
        <NumberInput
          label={t('proposal.form.rules.memberCap')}
          value={value.memberCap}
          onChange={(next) => set('memberCap', next)}
          error={problem('memberCap')}
          min={2}
          max={100}
          allowDecimal={false}
          disabled={disabled}
          data-testid="proposal-rule-member-cap"
        />
      </SimpleGrid>
      <Group gap="lg" align="flex-start" wrap="wrap">
        <PeriodInput
          label={t('proposal.form.rules.votingPeriod')}
          value={value.votingPeriod}
          onChange={(next) => set('votingPeriod', next)}
          error={problem('votingPeriod')}
          disabled={disabled}
          testId="proposal-rule-voting-period"
        />
        <PeriodInput
          label={t('proposal.form.rules.gracePeriod')}
          value={value.gracePeriod}
          onChange={(next) => set('gracePeriod', next)}
          error={problem('gracePeriod')}
          disabled={disabled}
          testId="proposal-rule-grace-period"
        />
      </Group>
      <KindModesFields value={value.kindModes} onChange={(kindModes) => set('kindModes', kindModes)} current={current.votingByKind} disabled={disabled} testId="proposal-rule-kind-modes" />
    </Stack>
  );
}
