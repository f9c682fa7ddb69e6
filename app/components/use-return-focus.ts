// For dialogs mounted only while open: Mantine returns the focus when a Modal's `opened` turns false, which
// such a dialog never sees (it is unmounted instead), so the focus fell to <body> when it closed.
import { useEffect, useRef, type RefObject } from 'react';
import { focusIfLost } from './lost-focus.ts';

/**
 * Call with whether any of the component's dialogs is open: the element focused when one opened (the button
 * that opened it) gets the focus back once none is, or `fallback` if it is gone by then. One dialog opening
 * another (invite, then a proposal) keeps the first opener.
 */
export function useReturnFocus(open: boolean, fallback?: RefObject<HTMLElement | null>): void {
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    // Runs before the dialog's focus trap moves the focus in (it waits a tick), so this is still the opener.
    if (open) {
      opener.current = document.activeElement;
      return;
    }
    const target = opener.current;
    opener.current = null;
    // A tick later, so a screen the dialog led to (a new proposal's page) can take the focus first. An opener the
    // dialog took away (a deleted draft's row) leaves the focus to `fallback`.
    if (target instanceof HTMLElement) setTimeout(() => focusIfLost(target.isConnected ? target : fallback?.current));
  }, [open]);
}
