// How this node can be reached: whether it looks for peers on the LAN, and its listening addresses.
import { Badge, Card, Code, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function NetworkCard({ listen, mdns }: { listen: string[]; mdns: boolean }) {
  const { t } = useTranslation();
  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap="md">
        <Title order={4}>{t('home.network')}</Title>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Text fw={600}>{t('home.mdns')}</Text>
            <Text size="sm" c="dimmed">
              {mdns ? t('home.mdnsOnHint') : t('home.mdnsOffHint')}
            </Text>
          </div>
          <Badge color={mdns ? 'teal' : 'gray'} variant="light" style={{ flexShrink: 0 }} data-testid="home-mdns">
            {mdns ? t('home.mdnsOn') : t('home.mdnsOff')}
          </Badge>
        </Group>
        <Divider />
        <Stack gap={6}>
          <div>
            <Text fw={600}>{t('home.listen')}</Text>
            <Text size="sm" c="dimmed">
              {t('home.listenDescription')}
            </Text>
          </div>
          <Stack gap={4} data-testid="home-listen">
            {listen.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('home.listenEmpty')}
              </Text>
            ) : (
              listen.map((address) => (
                <Code key={address} style={{ wordBreak: 'break-all', whiteSpace: 'normal' }}>
                  {address}
                </Code>
              ))
            )}
          </Stack>
        </Stack>
      </Stack>
    </Card>
  );
}
