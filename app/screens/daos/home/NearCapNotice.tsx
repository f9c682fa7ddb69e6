// Shown when a DAO is close to its member cap: small on purpose, so the way to grow is a sub-DAO or an alliance.
import { Alert } from '@mantine/core';
import { IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export function NearCapNotice({ members, cap }: { members: number; cap: number }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" variant="light" icon={<IconUsersGroup size={18} />} title={t('dao.nearCap.title', { count: members, cap })} data-testid="near-cap-notice">
      {t('dao.nearCap.body')}
    </Alert>
  );
}
