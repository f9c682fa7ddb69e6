// The app's small mark next to its name: a few linked nodes, as the product is a mesh of small groups.
import { ThemeIcon } from '@mantine/core';
import { IconTopologyRing3 } from '@tabler/icons-react';

export function AppMark() {
  return (
    <ThemeIcon variant="light" radius="md" size="lg" aria-hidden>
      <IconTopologyRing3 size={20} />
    </ThemeIcon>
  );
}
