// The charter as the members keep working on it: a text they edit together, beside the charter the DAO was
// founded with (CharterCard), which is signed and never changes.
import { Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import { CollaborativeTextarea } from './CollaborativeTextarea.tsx';

export function WorkingCharterCard({ dao }: { dao: DaoView }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="working-charter">
      <Stack gap="xs">
        <div>
          <Title order={4}>{t('texts.charter.title')}</Title>
          <Text size="sm" c="dimmed">
            {dao.isMember ? t('texts.charter.description') : t('texts.charter.descriptionVisitor')}
          </Text>
        </div>
        <CollaborativeTextarea
          dao={dao.id}
          name="charter"
          editable={dao.isMember}
          label={{ text: t('texts.charter.label'), hidden: true }}
          placeholder={t('texts.charter.placeholder')}
          testId="working-charter-text"
        />
      </Stack>
    </Card>
  );
}
