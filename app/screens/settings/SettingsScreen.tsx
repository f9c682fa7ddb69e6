// Preferences of this device and actions on the identity.
import { Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LanguageSetting } from './LanguageSetting.tsx';
import { LockSetting } from './LockSetting.tsx';
import { RecoveryPhraseSetting } from './RecoveryPhraseSetting.tsx';

export function SettingsScreen() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg" maw={720}>
      <Title order={2}>{t('settings.title')}</Title>
      <LanguageSetting />
      <RecoveryPhraseSetting />
      <LockSetting />
    </Stack>
  );
}
