// Moving to another screen moves the focus to the new screen's title (ScreenTitle) and scrolls to its top: a
// screen reader then announces the screen, and Tab goes on from there rather than from <body> (the button that
// moved was taken away with the old screen) or from the scroll position of the old screen.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { focusIfLost } from '../components/lost-focus.ts';

export interface ScreenFocus {
  /**
   * The screen is changing (or just changed). `from` is what had the focus when the user moved (the focus is
   * taken from there too); without it, the title takes the focus only if the focus is lost.
   */
  moved(from?: Element | null): void;
  /** A screen's title is shown; returns what to call when it goes. */
  titleShown(title: HTMLElement): () => void;
}

const ScreenFocusContext = createContext<ScreenFocus | null>(null);

export function ScreenFocusProvider({ children }: { children: ReactNode }) {
  const focus = useMemo(createScreenFocus, []);
  return <ScreenFocusContext value={focus}>{children}</ScreenFocusContext>;
}

export function useScreenFocus(): ScreenFocus | null {
  return useContext(ScreenFocusContext);
}

function createScreenFocus(): ScreenFocus {
  let title: HTMLElement | null = null;
  // Set from a move until a title takes the focus: a screen may show its title only once its data is there.
  let pending: { from: Element | null } | null = null;
  const take = (): void => {
    if (pending === null || title === null || !title.isConnected) return;
    const { from } = pending;
    pending = null;
    focusIfLost(title, from);
  };
  return {
    moved(from = null) {
      pending = { from };
      // After React has shown the new screen (this may run in the click that moved).
      setTimeout(() => {
        window.scrollTo(0, 0);
        take();
      });
    },
    titleShown(element) {
      title = element;
      take();
      return () => {
        if (title === element) title = null;
      };
    },
  };
}
