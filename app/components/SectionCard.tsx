// A titled card with a sentence on what it holds: one setting, or one section of a form.
import { Card, Stack, Text, Title, type MantineSpacing } from '@mantine/core';
import type { ReactNode } from 'react';

export function SectionCard({ title, description, gap = 'sm', children }: { title: string; description: string; gap?: MantineSpacing; children: ReactNode }) {
  return (
    <Card withBorder radius="lg" padding="lg">
      <Stack gap={gap}>
        <div>
          <Title order={4}>{title}</Title>
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        </div>
        {children}
      </Stack>
    </Card>
  );
}
