// The preload: the only door from the sandboxed window to the host. It exposes `window.daomesh`
// ({ call, on }, the shape app/bridge/preload-api.ts expects) and nothing else; ipcRenderer stays here.
// Bundled as CommonJS by scripts/build.mjs (sandboxed preloads cannot be ES modules), with core/ and zod inlined.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { bridgeEvents, isBridgeMethod } from '../../core/bridge/api.ts';
import type { ErrorInfo } from '../../core/errors.ts';
import { callChannel, eventChannel, type RelayAnswer } from './channels.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isBridgeEvent(name: unknown): name is keyof typeof bridgeEvents {
  return typeof name === 'string' && Object.hasOwn(bridgeEvents, name);
}

/** Rejections are plain { code, message, hint } objects: contextBridge keeps only the message of an Error. */
function refuse(error: ErrorInfo): Promise<never> {
  return Promise.reject(error);
}

const daomesh = {
  call(method: unknown, params: unknown): Promise<unknown> {
    if (!isBridgeMethod(method)) {
      return refuse({ code: 'UNKNOWN_METHOD', message: `The node has no method ${JSON.stringify(String(method))}.` });
    }
    if (!isPlainObject(params)) {
      return refuse({ code: 'BAD_REQUEST', message: `The params of ${method} must be an object.` });
    }
    return ipcRenderer.invoke(callChannel, method, params).then((answer: RelayAnswer) => {
      if ('error' in answer) throw answer.error;
      return answer.result;
    });
  },

  on(event: unknown, listener: unknown): () => void {
    if (!isBridgeEvent(event)) throw new TypeError(`Unknown DAOmesh event ${JSON.stringify(String(event))}.`);
    if (typeof listener !== 'function') throw new TypeError('A DAOmesh event listener must be a function.');
    // The IPC event (which carries ipcRenderer as its sender) never reaches the page: only the data does.
    const relay = (_ipcEvent: IpcRendererEvent, name: unknown, data: unknown): void => {
      if (name === event) listener(data);
    };
    ipcRenderer.on(eventChannel, relay);
    return () => {
      ipcRenderer.removeListener(eventChannel, relay);
    };
  },
};

contextBridge.exposeInMainWorld('daomesh', daomesh);
