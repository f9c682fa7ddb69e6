// The members whose nodes are connected now, as a row of avatars (the first few, then "+N").
import { Avatar, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { MemberAvatar } from '../../../components/MemberAvatar.tsx';

const shownAtMost = 6;

export function PresenceAvatars({ online }: { online: readonly string[] }) {
  const { t } = useTranslation();
  if (online.length === 0) return null;
  const shown = online.slice(0, shownAtMost);
  const rest = online.slice(shownAtMost);
  return (
    <Tooltip.Group openDelay={200} closeDelay={100}>
      <Avatar.Group spacing="xs" role="group" aria-label={t('dao.presence.label')} data-testid="presence" data-count={online.length}>
        {shown.map((address) => (
          <MemberAvatar key={address} address={address} size="sm" />
        ))}
        {rest.length > 0 && (
          <Tooltip label={rest.join(', ')} withArrow multiline w={360}>
            <Avatar size="sm" radius="xl">
              +{rest.length}
            </Avatar>
          </Tooltip>
        )}
      </Avatar.Group>
    </Tooltip.Group>
  );
}
