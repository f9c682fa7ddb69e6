// Providers every screen relies on: translations, theme (light or dark following the system), the bridge,
// the node's status and the UI's local replicas of the DAOs.
import { MantineProvider } from '@mantine/core';
import type { i18n } from 'i18next';
import { useMemo, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { BridgeClient } from '../bridge/connect-bridge.ts';
import { BridgeProvider } from '../bridge/bridge-context.tsx';
import { ReplicaStoreProvider } from '../daos/replica-context.tsx';
import { ScreenFocusProvider } from '../layout/screen-focus.tsx';
import { NodeStatusProvider } from '../status/node-status-context.tsx';
import { AppGate } from './AppGate.tsx';
import { createAppTheme, readableText } from './theme.ts';

export function Root({ client, i18n }: { client: BridgeClient; i18n: i18n }) {
  return (
    <I18nextProvider i18n={i18n}>
      <TranslatedMantineProvider>
        <BridgeProvider client={client}>
          <NodeStatusProvider>
            <ReplicaStoreProvider>
              <ScreenFocusProvider>
                <AppGate />
              </ScreenFocusProvider>
            </ReplicaStoreProvider>
          </NodeStatusProvider>
        </BridgeProvider>
      </TranslatedMantineProvider>
    </I18nextProvider>
  );
}

/** The theme names some of Mantine's own controls (a dialog's close button), so it follows the language. */
function TranslatedMantineProvider({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const theme = useMemo(() => createAppTheme(t), [t, i18n.language]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={readableText}>
      {children}
    </MantineProvider>
  );
}
