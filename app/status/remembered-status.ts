// The node's last status, kept per host (BridgeClient.hostKey) so that a reload shows the app, and the DAOs
// kept in IndexedDB, before the host answers or while it is down. A status holds only public facts (address,
// peer id, listening addresses); what is read back is checked like anything from outside.
import { NodeStatus } from '../../core/bridge/api.ts';

const keyPrefix = 'daomesh.lastStatus.';

export function recallStatus(hostKey: string): NodeStatus | null {
  try {
    const stored = window.localStorage.getItem(keyPrefix + hostKey);
    if (stored === null) return null;
    const parsed = NodeStatus.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  } catch {
    // Storage refused (a locked-down browser) or unreadable: start as if nothing were kept.
    return null;
  }
}

export function rememberStatus(hostKey: string, status: NodeStatus): void {
  try {
    window.localStorage.setItem(keyPrefix + hostKey, JSON.stringify(status));
  } catch {
    // Without storage the app still works; it only waits for the host after a reload.
  }
}
