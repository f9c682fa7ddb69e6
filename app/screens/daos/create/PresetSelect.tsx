// The rule presets a new DAO can start from, each with one line on how it decides.
import { Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { RulePreset } from '../../../../core/bridge/api.ts';
import { presetLabel, rulePresets } from '../dao-labels.ts';

export function PresetSelect({ value, onChange, disabled }: { value: RulePreset; onChange: (preset: RulePreset) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <Select<RulePreset>
      label={t('dao.create.preset')}
      description={t(presetLabel[value].explanation)}
      data={rulePresets.map((preset) => ({ value: preset, label: t(presetLabel[preset].name) }))}
      value={value}
      onChange={(next) => next && onChange(next)}
      allowDeselect={false}
      disabled={disabled}
      renderOption={({ option }) => (
        <Stack gap={0} py={2}>
          <Text size="sm" fw={500}>
            {option.label}
          </Text>
          <Text size="xs" c="dimmed">
            {t(presetLabel[option.value].explanation)}
          </Text>
        </Stack>
      )}
      comboboxProps={{ withinPortal: true }}
      maxDropdownHeight={420}
      data-testid="dao-preset"
    />
  );
}
