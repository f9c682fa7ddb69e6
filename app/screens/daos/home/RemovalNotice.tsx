// A passed proposal removes this member and has not taken effect here yet. In its grace period a rage quit is the
// one thing they may still do; past it, the other members count them removed as soon as one of them writes, while
// this node, which the others now refuse, may not hear of it: without this notice its screens went on showing a
// member whose every write was refused.
import { Alert, Text } from '@mantine/core';
import { IconUserMinus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import { useNow } from '../../../time/use-now.ts';
import { formatMoment } from '../../../time/format-moment.ts';

export function RemovalNotice({ removal }: { removal: NonNullable<DaoView['myRemoval']> }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const due = removal.executesAt !== null && now >= removal.executesAt;
  return (
    <Alert color="orange" variant="light" icon={<IconUserMinus size={18} />} title={t('dao.home.removalTitle')} data-testid="dao-my-removal" data-due={due}>
      <Text size="sm">
        {due || removal.executesAt === null
          ? t('dao.home.removalDue')
          : t('dao.home.removalInGrace', { date: formatMoment(t, removal.executesAt, i18n.language) })}
      </Text>
    </Alert>
  );
}
