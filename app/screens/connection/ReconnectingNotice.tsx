// A quiet notice while the WebSocket reconnects, so the screen underneath stays usable to read.
import { Affix, Notification } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function ReconnectingNotice() {
  const { t } = useTranslation();
  return (
    <Affix position={{ bottom: 16, left: 16 }}>
      <Notification loading withCloseButton={false} maw="calc(100vw - 32px)" role="status" data-testid="reconnecting">
        {t('connection.reconnecting')}
      </Notification>
    </Affix>
  );
}
