// Keeps one screen's failure to that screen. Screens render what members wrote and what the host sent; should
// any of it still make rendering throw, React would otherwise unmount the whole app, and since the route lives
// in the URL, a reload would land on the same blank page. The shell stays, with the reason and the nav.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

function ScreenFailed({ error, onLeave }: { error: unknown; onLeave: () => void }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={t('nav.screenFailed')} role="alert" data-testid="screen-failed" maw={720}>
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{t('nav.screenFailedHint', { message })}</Text>
        <Button variant="light" onClick={onLeave} data-testid="screen-failed-home">
          {t('nav.home')}
        </Button>
      </Stack>
    </Alert>
  );
}

export class ScreenErrorBoundary extends Component<{ children: ReactNode; onLeave: () => void }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error: error ?? new Error('unknown') };
  }

  override componentDidCatch(error: unknown): void {
    console.error('daomesh: a screen failed to render:', error);
  }

  override render(): ReactNode {
    if (this.state.error !== null) return <ScreenFailed error={this.state.error} onLeave={this.props.onLeave} />;
    return this.props.children;
  }
}
