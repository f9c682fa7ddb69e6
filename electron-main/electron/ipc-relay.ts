// Relays the window's bridge calls to the host through HostBridge (host-bridge.ts: who may call, which method,
// which params), and the host's events back to the window. Only the Electron wiring is here.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { callChannel, eventChannel } from './channels.ts';
import { HostBridge } from './host-bridge.ts';

export type IpcRelayOptions = {
  /** The URL of our page (daomesh://app/index.html, app-protocol.ts): the only page allowed to call. */
  pageUrl: string;
  /** Where host events go (the main window, while it exists). */
  target: () => WebContents | null;
};

/** Starts answering the window's calls; main tells the bridge when the host connects, goes down or is given up on. */
export function startIpcRelay(options: IpcRelayOptions): { bridge: HostBridge; stop(): void } {
  const bridge = new HostBridge({
    pageUrl: options.pageUrl,
    target: () => {
      const contents = options.target();
      return contents && !contents.isDestroyed() ? (event, data) => contents.send(eventChannel, event, data) : null;
    },
  });
  ipcMain.handle(callChannel, (event: IpcMainInvokeEvent, method: unknown, params: unknown) => bridge.answer(event.senderFrame, method, params));
  return {
    bridge,
    stop() {
      bridge.stop();
      ipcMain.removeHandler(callChannel);
    },
  };
}
