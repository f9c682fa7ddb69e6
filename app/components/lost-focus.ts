// Giving the focus back after the element that held it was removed or disabled (Chromium then moves it to
// <body>, and the next Tab starts from the top of the page, or outside a dialog).

/** Focuses `element` if the focus is lost (on <body>) or still on `from`; leaves it where the user moved it. */
export function focusIfLost(element: HTMLElement | null | undefined, from?: Element | null): void {
  if (!element || !element.isConnected) return;
  const active = document.activeElement;
  if (active === null || active === document.body || (from !== undefined && active === from)) element.focus({ preventScroll: true });
}
