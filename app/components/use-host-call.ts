// A dialog's one call to the host: busy while it runs, the host's error when it fails, and the focus given back to
// a control (the dialog disabled its controls meanwhile, which drops the focus to <body>, outside the dialog).
import { useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { focusIfLost } from './lost-focus.ts';

export function useHostCall<E extends HTMLElement>() {
  const [busy, setBusy] = useState(false);
  const [hostError, setHostError] = useState<unknown>(null);
  /** The control that takes the focus back after a failure (the one pressed, or the field to fix). */
  const refocus: RefObject<E | null> = useRef<E>(null);

  /** Runs `call`; on success the caller goes on (busy stays set: the dialog closes), on failure the error shows. */
  async function run(call: () => Promise<void>): Promise<void> {
    setBusy(true);
    setHostError(null);
    try {
      await call();
    } catch (error) {
      // Rendered at once, controls enabled again, so that the focus can go back to one of them.
      flushSync(() => {
        setHostError(error);
        setBusy(false);
      });
      focusIfLost(refocus.current);
    }
  }

  return { busy, hostError, setHostError, refocus, run };
}
