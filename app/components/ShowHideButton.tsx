// The "show / hide" toggle of a card whose details fold away (the peers and evidence cards of a DAO).
import { Button } from '@mantine/core';
import { IconChevronDown, IconChevronUp } from '@tabler/icons-react';

/** `showName` and `hideName` name what it shows ("Show peers"): a page has several such buttons. */
export function ShowHideButton(props: { open: boolean; onToggle: () => void; showLabel: string; hideLabel: string; showName: string; hideName: string; testId: string }) {
  const { open, onToggle, showLabel, hideLabel, showName, hideName, testId } = props;
  return (
    <Button
      variant="subtle"
      size="xs"
      rightSection={open ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
      onClick={onToggle}
      aria-expanded={open}
      aria-label={open ? hideName : showName}
      style={{ flexShrink: 0 }}
      data-testid={testId}
    >
      {open ? hideLabel : showLabel}
    </Button>
  );
}
