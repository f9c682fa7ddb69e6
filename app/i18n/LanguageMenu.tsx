// A compact language switch for the screens outside the app shell (welcome, unlock), so someone can read
// onboarding in their language before reaching Settings.
import { ActionIcon, Menu, Tooltip } from '@mantine/core';
import { IconCheck, IconLanguage } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { LanguageChoice } from './language-choice.ts';
import { useLanguageChoice } from './use-language-choice.ts';

export function LanguageMenu() {
  const { t } = useTranslation();
  const [choice, choose] = useLanguageChoice();
  const options: { value: LanguageChoice; label: string }[] = [
    { value: 'system', label: t('settings.language.system') },
    { value: 'en', label: t('languages.en') },
    { value: 'zh-Hant', label: t('languages.zh-Hant') },
  ];
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label={t('common.language')} withArrow>
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label={t('common.language')}>
            <IconLanguage size={20} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {options.map((option) => (
          <Menu.Item
            key={option.value}
            onClick={() => choose(option.value)}
            rightSection={choice === option.value ? <IconCheck size={14} /> : null}
          >
            {option.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
