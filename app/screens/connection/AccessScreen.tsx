// Web mode only: the page has no usable secret, so it cannot talk to the node. Explains how to get in.
import { Code, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconKeyOff, IconLink } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';
import { ScreenTitle } from '../../layout/ScreenTitle.tsx';

export function AccessScreen({ reason }: { reason: 'missing' | 'refused' }) {
  const { t } = useTranslation();
  return (
    <CenteredLayout>
      <Stack gap="md" data-testid="access-screen">
        <ThemeIcon size={48} radius="xl" variant="light" color={reason === 'refused' ? 'orange' : 'blue'}>
          {reason === 'refused' ? <IconKeyOff size={26} /> : <IconLink size={26} />}
        </ThemeIcon>
        <ScreenTitle>{reason === 'refused' ? t('connection.refusedTitle') : t('connection.missingTitle')}</ScreenTitle>
        <Text>{reason === 'refused' ? t('connection.refusedBody') : t('connection.missingBody')}</Text>
        <Text size="sm" c="dimmed">
          {t('connection.howTo')}
        </Text>
        <Code block>daomesh node --ui</Code>
      </Stack>
    </CenteredLayout>
  );
}
