// The IPC channels between the preload and the main process, and what travels on them.
// No 'electron' import here: both ends (and anything that only needs the names) can load it.
import type { ErrorInfo } from '../../core/errors.ts';

/** Renderer → main (invoke): [method: string, params: object] → RelayAnswer. */
export const callChannel = 'daomesh:call';
/** Main → renderer (send): [event: string, data: unknown]. */
export const eventChannel = 'daomesh:event';

/**
 * What main answers a call with. Errors travel as data, not as a rejection, because ipcMain.handle
 * turns a thrown error into a bare message and the UI needs the code and the hint.
 */
export type RelayAnswer = { result: unknown } | { error: ErrorInfo };
