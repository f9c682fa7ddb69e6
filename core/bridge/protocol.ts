// The wire frames of the bridge (JSON), shared by the WebSocket transport and the Electron relay.
import { z } from 'zod';
import { errorCodes } from '../errors.ts';

/** v2: the secret is proven by a handshake on the socket (api-auth.ts), no longer sent as a subprotocol. */
export const bridgeProtocol = 'daomesh-bridge.v2';
export const maxFrameBytes = 1024 * 1024;

export const RequestFrame = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  params: z.unknown(),
});
export type RequestFrame = z.infer<typeof RequestFrame>;

export const ErrorPayload = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  hint: z.string().optional(),
  /** A detail code the UI words itself (errorDetails); one it does not know is left out. */
  detail: z.string().max(60).optional(),
});

export const ResponseFrame = z.union([
  z.object({ id: z.number(), result: z.unknown() }),
  z.object({ id: z.number(), error: ErrorPayload }),
]);
export type ResponseFrame = z.infer<typeof ResponseFrame>;

export const EventFrame = z.object({ event: z.string(), data: z.unknown() });
export type EventFrame = z.infer<typeof EventFrame>;

export const ServerFrame = z.union([ResponseFrame, EventFrame]);
