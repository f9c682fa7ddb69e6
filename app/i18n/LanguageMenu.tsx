// A compact language switch: in the app's header, and on the screens outside the app shell (welcome, unlock), so
// someone can read onboarding in their language before reaching Settings.
import { ActionIcon, Menu, Tooltip } from '@mantine/core';
import { IconCheck, IconLanguage } from '@tabler/icons-react';
import type { ComponentPropsWithRef } from 'react';
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
      {/* The tooltip outside the target: inside, it took the menu's aria-haspopup and aria-expanded for itself. */}
      <Tooltip label={t('common.language')} withArrow>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label={t('common.language')} data-testid="language-menu">
            <IconLanguage size={20} />
          </ActionIcon>
        </Menu.Target>
      </Tooltip>
      <Menu.Dropdown>
        {options.map((option) => (
          <Menu.Item
            key={option.value}
            component={RadioItem}
            aria-checked={choice === option.value}
            onClick={() => choose(option.value)}
            rightSection={choice === option.value ? <IconCheck size={14} aria-hidden /> : null}
            data-testid={`language-${option.value}`}
          >
            {option.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** One choice of several: Mantine names every item a plain menuitem, which cannot say which one is chosen. */
function RadioItem(props: ComponentPropsWithRef<'button'>) {
  return <button type="button" {...props} role="menuitemradio" />;
}
