// How long a client of the local API waits for the node's answer to a call before it gives up: a node that hangs
// keeps its socket open, and a call would otherwise wait for ever. Shared by the page's transport (web mode) and
// the Node client (the CLI, and Electron's main process relaying the window's calls).
import { DaomeshError } from '../errors.ts';

/** What any call may take, the slow ones (slowMethods) aside. */
export const defaultAnswerWaitMs = 2 * 60_000;

/** Calls that may rightly take longer than any other: a join receives a DAO's whole history from a peer. */
const slowMethods: Readonly<Record<string, number>> = { 'dao.join': 15 * 60_000 };

/** How long a call of `method` waits; `defaultMs` stands for every method that is not a slow one. */
export function answerWaitMs(method: string, defaultMs: number = defaultAnswerWaitMs): number {
  return Object.hasOwn(slowMethods, method) ? slowMethods[method]! : defaultMs;
}

export function noAnswerError(method: string, waitedMs: number): DaomeshError {
  return new DaomeshError(
    'NODE_NOT_RUNNING',
    `The DAOmesh node did not answer ${method} within ${Math.round(waitedMs / 1000)} seconds.`,
    'It may be stuck or very busy: check its log. A change it was asked for may still take effect, so look before asking again (restart it if it stays stuck).',
  );
}
