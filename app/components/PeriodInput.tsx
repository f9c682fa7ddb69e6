// A length of time: an amount and a unit (minutes, hours or days), for voting and grace periods.
import { Group, Input, NumberInput, SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { periodUnits, type Period, type PeriodUnit } from '../time/period.ts';

export interface PeriodInputProps {
  label: string;
  description?: string;
  value: Period;
  onChange: (value: Period) => void;
  error?: string | undefined;
  disabled?: boolean;
  /** Lands on the amount's input; the unit control gets the same id with `-unit`. */
  testId: string;
}

const unitLabel = { minutes: 'time.units.minutes', hours: 'time.units.hours', days: 'time.units.days' } as const satisfies Record<
  PeriodUnit,
  string
>;

export function PeriodInput({ label, description, value, onChange, error, disabled, testId }: PeriodInputProps) {
  const { t } = useTranslation();
  return (
    <Input.Wrapper label={label} description={description} error={error}>
      <Group gap="sm" wrap="wrap" mt={4}>
        <NumberInput
          aria-label={label}
          value={value.amount}
          onChange={(amount) => onChange({ ...value, amount })}
          min={0}
          decimalScale={2}
          w={110}
          error={Boolean(error)}
          disabled={disabled}
          data-testid={testId}
        />
        <SegmentedControl<PeriodUnit>
          value={value.unit}
          onChange={(unit) => onChange({ ...value, unit })}
          data={periodUnits.map((unit) => ({ value: unit, label: t(unitLabel[unit]) }))}
          disabled={disabled}
          aria-label={label}
          data-testid={`${testId}-unit`}
        />
      </Group>
    </Input.Wrapper>
  );
}
