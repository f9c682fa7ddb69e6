// Optional voting modes per proposal kind, collapsed until asked for: each kind votes as the DAO does, or in a
// preset's mode of its own (say, a supermajority to remove a member). In a rules change a kind whose present
// mode is no preset's can also keep it.
import { Accordion, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { VotingByKindView } from '../../../core/bridge/api.ts';
import { presetMatching } from '../../../core/bridge/preset-modes.ts';
import { kindLabel, presetLabel, proposalKinds, rulePresets } from './dao-labels.ts';
import type { KindModeChoice, KindModeChoices } from './kind-modes.ts';
import { describeVotingMode } from './voting-mode-text.ts';

export interface KindModesFieldsProps {
  value: KindModeChoices;
  onChange: (value: KindModeChoices) => void;
  /** The DAO's present overrides (a rules change), for the choice to keep one that is no preset. */
  current?: VotingByKindView;
  disabled: boolean;
  /** Prefix of the test ids: `${testId}-toggle`, `${testId}-${kind}`. */
  testId: string;
}

export function KindModesFields({ value, onChange, current = {}, disabled, testId }: KindModesFieldsProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const own = proposalKinds.filter((kind) => value[kind] !== 'dao').length;

  return (
    <Accordion variant="contained" radius="md" chevronPosition="left">
      <Accordion.Item value="kinds">
        <Accordion.Control data-testid={`${testId}-toggle`}>
          <Stack gap={0}>
            <Text size="sm" fw={500}>
              {t('dao.kindModes.title')}
            </Text>
            <Text size="xs" c="dimmed">
              {own > 0 ? t('dao.kindModes.someOwn', { count: own }) : t('dao.kindModes.allAsDao')}
            </Text>
          </Stack>
        </Accordion.Control>
        <Accordion.Panel>
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {t('dao.kindModes.description')}
            </Text>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              {proposalKinds.map((kind) => {
                const kept = current[kind];
                const data = [
                  { value: 'dao', label: t('dao.kindModes.asDao') },
                  ...(kept && presetMatching(kept) === null ? [{ value: 'current', label: t('dao.kindModes.keep', { mode: describeVotingMode(t, kept, language) }) }] : []),
                  ...rulePresets.map((preset) => ({ value: preset, label: t(presetLabel[preset].name) })),
                ];
                return (
                  <Select
                    key={kind}
                    label={t(kindLabel[kind])}
                    data={data}
                    value={value[kind]}
                    onChange={(choice) => choice && onChange({ ...value, [kind]: choice as KindModeChoice })}
                    allowDeselect={false}
                    disabled={disabled}
                    comboboxProps={{ withinPortal: true }}
                    data-testid={`${testId}-${kind}`}
                  />
                );
              })}
            </SimpleGrid>
          </Stack>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
