// Providers every screen relies on: theme (light or dark following the system), translations, the bridge,
// the node's status and the UI's local replicas of the DAOs.
import { MantineProvider } from '@mantine/core';
import type { i18n } from 'i18next';
import { I18nextProvider } from 'react-i18next';
import type { BridgeClient } from '../bridge/connect-bridge.ts';
import { BridgeProvider } from '../bridge/bridge-context.tsx';
import { ReplicaStoreProvider } from '../daos/replica-context.tsx';
import { NodeStatusProvider } from '../status/node-status-context.tsx';
import { AppGate } from './AppGate.tsx';
import { theme } from './theme.ts';

export function Root({ client, i18n }: { client: BridgeClient; i18n: i18n }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <I18nextProvider i18n={i18n}>
        <BridgeProvider client={client}>
          <NodeStatusProvider>
            <ReplicaStoreProvider>
              <AppGate />
            </ReplicaStoreProvider>
          </NodeStatusProvider>
        </BridgeProvider>
      </I18nextProvider>
    </MantineProvider>
  );
}
