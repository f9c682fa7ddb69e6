// Preferences of this device and actions on the identity.
import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LanguageSetting } from './LanguageSetting.tsx';
import { LockSetting } from './LockSetting.tsx';
import { RecoveryPhraseSetting } from './RecoveryPhraseSetting.tsx';
import { ScreenTitle } from '../../layout/ScreenTitle.tsx';

export function SettingsScreen() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg" maw={720}>
      <ScreenTitle>{t('settings.title')}</ScreenTitle>
      <LanguageSetting />
      <RecoveryPhraseSetting />
      <LockSetting />
    </Stack>
  );
}
