// The host's side of the bridge: checks a call against the method table before any handler sees it.
import type { z } from 'zod';
import { DaomeshError, type ErrorInfo } from '../errors.ts';
import { bridgeMethods, isBridgeMethod, type BridgeMethod, type BridgeResult } from './api.ts';
import { paramsRefused } from './param-issues.ts';

export type BridgeHandlers = {
  [M in BridgeMethod]: (params: z.output<(typeof bridgeMethods)[M]['params']>) => Promise<BridgeResult<M>> | BridgeResult<M>;
};

/** Validates `method` and `params` (both untrusted), runs the handler, and returns its result. */
export async function dispatchBridgeCall(handlers: BridgeHandlers, method: unknown, params: unknown): Promise<unknown> {
  if (!isBridgeMethod(method)) {
    throw new DaomeshError('UNKNOWN_METHOD', `Unknown bridge method: ${String(method).slice(0, 100)}`);
  }
  const parsed = bridgeMethods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    throw paramsRefused(parsed.error.issues);
  }
  const handler = handlers[method] as (params: unknown) => unknown;
  return await handler(parsed.data);
}

/** What crosses the wire for an error: a DaomeshError as it is, anything else as INTERNAL. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof DaomeshError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Internal error: ${message}` };
}
