// A member's address in short (0x12ab…9f0c), the full one on hover, and a mark when it is this user's.
import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNodeStatus } from '../status/node-status-context.tsx';

export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

export function MemberAddress({ address, size = 'sm' }: { address: string; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  const { status } = useNodeStatus();
  const isMe = status?.address?.toLowerCase() === address.toLowerCase();
  return (
    <Group gap={6} wrap="nowrap" component="span" style={{ display: 'inline-flex' }}>
      <Tooltip label={address} withArrow>
        <Text component="span" ff="monospace" size={size} translate="no">
          {shortAddress(address)}
        </Text>
      </Tooltip>
      {isMe && (
        <Badge size="xs" variant="light" color="indigo">
          {t('common.you')}
        </Badge>
      )}
    </Group>
  );
}
