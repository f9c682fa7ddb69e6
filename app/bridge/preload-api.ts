// What the Electron preload exposes to the renderer through contextBridge; absent in web mode.
import type { RawTransport } from './raw-transport.ts';

export type DaomeshPreload = RawTransport;

declare global {
  interface Window {
    daomesh?: DaomeshPreload;
  }
}

export function findPreload(): DaomeshPreload | undefined {
  const candidate = window.daomesh;
  if (candidate && typeof candidate.call === 'function' && typeof candidate.on === 'function') return candidate;
  return undefined;
}
