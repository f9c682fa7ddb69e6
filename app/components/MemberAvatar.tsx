// A member as a small round mark: two hex digits of their address on a colour drawn from it, so a member looks
// the same on every screen and on every member's node. The full address (and "You") shows on hover.
import { Avatar, Tooltip, type MantineColor, type MantineSize } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNodeStatus } from '../status/node-status-context.tsx';

const palette: readonly MantineColor[] = ['blue', 'cyan', 'grape', 'green', 'indigo', 'lime', 'orange', 'pink', 'red', 'teal', 'violet', 'yellow'];

export function memberColour(address: string): MantineColor {
  const value = Number.parseInt(address.slice(2, 10), 16);
  return palette[(Number.isNaN(value) ? 0 : value) % palette.length] ?? 'gray';
}

export function MemberAvatar({ address, size = 'md' }: { address: string; size?: MantineSize }) {
  const { t } = useTranslation();
  const { status } = useNodeStatus();
  const isMe = status?.address?.toLowerCase() === address.toLowerCase();
  return (
    <Tooltip label={isMe ? `${address} (${t('common.you')})` : address} withArrow>
      <Avatar size={size} radius="xl" color={memberColour(address)} variant="filled" translate="no" data-testid="member-avatar" data-address={address}>
        {address.slice(2, 4).toUpperCase()}
      </Avatar>
    </Tooltip>
  );
}
