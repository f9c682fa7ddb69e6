// Telling the host the recovery phrase is written down (identity.confirmBackup), from the onboarding screen or
// the reminder's dialog: busy while it asks, the host's refusal kept to show, `onDone` once it has answered.
import { useState } from 'react';
import { useBridge } from '../bridge/bridge-context.tsx';

export function useConfirmBackup(onDone: () => void): { confirm: () => Promise<void>; busy: boolean; hostError: unknown } {
  const bridge = useBridge();
  const [busy, setBusy] = useState(false);
  const [hostError, setHostError] = useState<unknown>(null);

  async function confirm(): Promise<void> {
    setBusy(true);
    setHostError(null);
    try {
      await bridge.call('identity.confirmBackup', {});
      onDone();
    } catch (error) {
      setHostError(error);
      setBusy(false);
    }
  }

  return { confirm, busy, hostError };
}
