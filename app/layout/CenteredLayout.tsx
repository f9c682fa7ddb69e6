// The frame for screens shown before the app shell: the app's name, a language switch, and one centred card.
import { Box, Center, Container, Group, Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageMenu } from '../i18n/LanguageMenu.tsx';
import { AppMark } from './AppMark.tsx';

export function CenteredLayout({ children, width = 520 }: { children: ReactNode; width?: number }) {
  const { t } = useTranslation();
  return (
    <Box mih="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
      <Group justify="space-between" px="lg" py="md">
        <Group gap="xs">
          <AppMark />
          <Title order={4} component="span">
            {t('app.name')}
          </Title>
        </Group>
        <LanguageMenu />
      </Group>
      <Center style={{ flex: 1 }} px="md" pb="xl">
        <Container size={width} w="100%" p={0}>
          <Paper withBorder radius="lg" p={{ base: 'lg', sm: 'xl' }} shadow="sm">
            {children}
          </Paper>
        </Container>
      </Center>
    </Box>
  );
}
