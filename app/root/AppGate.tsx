// Decides which screen the user is on from the connection and the node's identity state alone; every
// screen below it can then assume what it needs (a connection, an identity, an unlocked key).
import { useEffect, useRef, useState } from 'react';
import { useBridgeClient, useConnectionState } from '../bridge/bridge-context.tsx';
import { useScreenFocus } from '../layout/screen-focus.tsx';
import { AccessScreen } from '../screens/connection/AccessScreen.tsx';
import { ConnectingScreen } from '../screens/connection/ConnectingScreen.tsx';
import { ReconnectingNotice } from '../screens/connection/ReconnectingNotice.tsx';
import type { NewRecoveryPhrase } from '../screens/onboarding/new-recovery-phrase.ts';
import { BackupPhraseScreen } from '../screens/onboarding/BackupPhraseScreen.tsx';
import { OnboardingScreen } from '../screens/onboarding/OnboardingScreen.tsx';
import { UnlockScreen } from '../screens/unlock/UnlockScreen.tsx';
import { AppFrame } from '../shell/AppFrame.tsx';
import { useNodeStatus } from '../status/node-status-context.tsx';

export function AppGate() {
  const client = useBridgeClient();
  const connection = useConnectionState();
  const { status, error, refresh } = useNodeStatus();
  // Held here, above the identity switch: the host reports the new identity as unlocked at once,
  // and the phrase must stay on screen until the user confirms they wrote it down.
  const [created, setCreated] = useState<NewRecoveryPhrase | null>(null);
  const kind = connection === 'unauthorized' ? 'access' : created ? 'backup' : !status ? 'connecting' : status.identity;
  // A step of the user's (created, unlocked, confirmed the backup) moves the focus to the next screen's title;
  // the first screen after connecting keeps its own (the unlock field focuses itself).
  const screenFocus = useScreenFocus();
  const shown = useRef(kind);
  useEffect(() => {
    if (shown.current !== kind && shown.current !== 'connecting' && kind !== 'connecting') screenFocus?.moved();
    shown.current = kind;
  }, [kind, screenFocus]);

  if (kind === 'access') return <AccessScreen reason={client.secretProblem() ?? 'refused'} />;

  const screen = (() => {
    if (created) {
      return (
        <BackupPhraseScreen
          created={created}
          onDone={() => {
            setCreated(null);
            void refresh();
          }}
        />
      );
    }
    if (!status) return <ConnectingScreen error={connection === 'open' ? error : null} onRetry={() => void refresh()} />;
    switch (status.identity) {
      case 'none':
        return <OnboardingScreen onCreated={setCreated} onRestored={() => void refresh()} />;
      case 'locked':
        return <UnlockScreen address={status.address} onUnlocked={() => void refresh()} />;
      case 'unlocked':
        return <AppFrame />;
    }
  })();

  return (
    <>
      {screen}
      {connection === 'connecting' && status && <ReconnectingNotice />}
    </>
  );
}
