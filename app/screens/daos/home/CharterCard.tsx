// What the DAO is for, in its founders' words.
import { Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MemberText } from '../../../components/MemberText.tsx';

export function CharterCard({ charter }: { charter: string }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="xs">
        <Title order={4}>{t('dao.charter.title')}</Title>
        {charter.trim().length > 0 ? (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="dao-charter-text">
            <MemberText text={charter} />
          </Text>
        ) : (
          <Text size="sm" c="dimmed" data-testid="dao-charter-text">
            {t('dao.charter.empty')}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
