// The way up one level (to the DAO list, or from a proposal to its DAO).
import { Anchor, Group } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';

export function BackLink({ label, onClick, testId }: { label: string; onClick: () => void; testId: string }) {
  return (
    <Anchor component="button" type="button" size="sm" c="dimmed" onClick={onClick} data-testid={testId} style={{ alignSelf: 'flex-start' }}>
      <Group gap={4} wrap="nowrap">
        <IconArrowLeft size={14} />
        {label}
      </Group>
    </Anchor>
  );
}
