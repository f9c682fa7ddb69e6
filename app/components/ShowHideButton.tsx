// The "show / hide" toggle of a card whose details fold away (the peers and evidence cards of a DAO).
import { Button } from '@mantine/core';
import { IconChevronDown, IconChevronUp } from '@tabler/icons-react';

export function ShowHideButton(props: { open: boolean; onToggle: () => void; showLabel: string; hideLabel: string; testId: string }) {
  const { open, onToggle, showLabel, hideLabel, testId } = props;
  return (
    <Button
      variant="subtle"
      size="xs"
      rightSection={open ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
      onClick={onToggle}
      aria-expanded={open}
      style={{ flexShrink: 0 }}
      data-testid={testId}
    >
      {open ? hideLabel : showLabel}
    </Button>
  );
}
