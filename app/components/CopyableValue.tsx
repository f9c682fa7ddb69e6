// A long identifier shown in full (so it can be checked by eye), or shortened where space is tight (the full
// value on hover), with a button that copies it whole, named for what it copies (a screen may show several).
import { ActionIcon, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export function CopyableValue({ value, kind, shown, testId }: { value: string; kind: 'address' | 'peerId'; shown?: string; testId?: string }) {
  const { t } = useTranslation();
  const text = (
    <Text ff="monospace" size="sm" style={{ wordBreak: 'break-all' }} translate="no" data-testid={testId} data-value={value}>
      {shown ?? value}
    </Text>
  );
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      {shown === undefined ? (
        text
      ) : (
        <Tooltip label={value} withArrow>
          {text}
        </Tooltip>
      )}
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('common.copied') : t('common.copy')} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              aria-label={copied ? t('common.copied') : t(kind === 'address' ? 'common.copyAddress' : 'common.copyPeerId')}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
