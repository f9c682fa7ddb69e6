// In Electron the preload already carries calls over IPC; this only normalizes its rejections.
import { errorFromHost } from './bridge-error.ts';
import type { DaomeshPreload } from './preload-api.ts';
import type { RawTransport } from './raw-transport.ts';

export function createElectronTransport(preload: DaomeshPreload): RawTransport {
  return {
    async call(method, params) {
      try {
        return await preload.call(method, params);
      } catch (error) {
        throw errorFromHost(error);
      }
    },
    on: (event, listener) => preload.on(event, listener),
  };
}
