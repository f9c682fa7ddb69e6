// Turns an untyped transport into the typed Bridge: every param, result and event is checked against
// the shared schemas, so nothing unvalidated reaches a screen.
import {
  bridgeEvents,
  bridgeMethods,
  type Bridge,
  type BridgeEvent,
  type BridgeEventData,
  type BridgeMethod,
  type BridgeParams,
  type BridgeResult,
} from '../../core/bridge/api.ts';
import { paramsRefused } from '../../core/bridge/param-issues.ts';
import { errorFromHost, unexpectedAnswerError } from './bridge-error.ts';
import type { RawTransport } from './raw-transport.ts';

export function createValidatedBridge(transport: RawTransport): Bridge {
  return {
    async call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
      const schemas = bridgeMethods[method];
      const checkedParams = schemas.params.safeParse(params);
      if (!checkedParams.success) throw paramsRefused(checkedParams.error.issues);
      let raw: unknown;
      try {
        raw = await transport.call(method, checkedParams.data);
      } catch (error) {
        throw errorFromHost(error);
      }
      const result = schemas.result.safeParse(raw);
      if (!result.success) throw unexpectedAnswerError(method);
      // TypeScript cannot narrow the schema union by the generic M; the schema is the one for M.
      return result.data as BridgeResult<M>;
    },

    on<E extends BridgeEvent>(event: E, listener: (data: BridgeEventData<E>) => void): () => void {
      const schema = bridgeEvents[event];
      return transport.on(event, (data) => {
        const parsed = schema.safeParse(data);
        if (parsed.success) listener(parsed.data as BridgeEventData<E>);
        else console.warn(`daomesh: dropped a malformed ${event} event from the node`, parsed.error.issues);
      });
    },
  };
}
