// Web mode: the node prints a link ending in `#secret=HEX`. The secret proves this page was opened by
// whoever can read the node's output. It is moved out of the address bar (so it is not shared by a
// copied URL or a screenshot) into sessionStorage, so that reloading the tab keeps working.
const storageKey = 'daomesh.apiSecret';
const secretPattern = /^[0-9a-fA-F]{1,256}$/;

export function takeWebSecret(): string | null {
  const fromUrl = new URLSearchParams(window.location.hash.slice(1)).get('secret');
  if (fromUrl !== null) {
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    if (secretPattern.test(fromUrl)) {
      window.sessionStorage.setItem(storageKey, fromUrl);
      return fromUrl;
    }
  }
  const stored = window.sessionStorage.getItem(storageKey);
  return stored !== null && secretPattern.test(stored) ? stored : null;
}

/** A refused secret is useless on the next reload too. */
export function forgetWebSecret(): void {
  window.sessionStorage.removeItem(storageKey);
}

/**
 * A new link pasted into this same tab changes only the fragment, which does not reload the page;
 * reloading picks the new secret up through takeWebSecret and starts a fresh connection with it.
 */
export function reloadOnNewSecret(): void {
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(window.location.hash.slice(1)).has('secret')) window.location.reload();
  });
}
