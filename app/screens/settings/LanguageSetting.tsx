// Language: follow the system, or a fixed one; applies at once and is remembered on this device.
import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../../i18n/languages.ts';
import { useLanguageChoice } from '../../i18n/use-language-choice.ts';
import { SectionCard } from '../../components/SectionCard.tsx';

export function LanguageSetting() {
  const { t } = useTranslation();
  const [choice, choose] = useLanguageChoice();
  return (
    <SectionCard title={t('settings.language.title')} description={t('settings.language.description')}>
      <Select
        aria-label={t('settings.language.title')}
        maw={320}
        data={[
          { value: 'system', label: t('settings.language.system') },
          { value: 'en', label: t('languages.en') },
          { value: 'zh-Hant', label: t('languages.zh-Hant') },
        ]}
        value={choice}
        onChange={(value) => choose(isLanguage(value) ? value : 'system')}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        data-testid="language-select"
      />
    </SectionCard>
  );
}
