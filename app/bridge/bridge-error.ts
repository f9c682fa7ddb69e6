// Every failure a bridge call can meet becomes a DaomeshError, so the UI can translate it by its code.
import { ErrorPayload } from '../../core/bridge/protocol.ts';
import { DaomeshError, isErrorDetail } from '../../core/errors.ts';

/** A host error as it arrived (a frame's `error`, or whatever the preload rejected with). */
export function errorFromHost(value: unknown): DaomeshError {
  if (value instanceof DaomeshError) return value;
  const parsed = ErrorPayload.safeParse(value);
  if (parsed.success) {
    const { code, message, hint, detail } = parsed.data;
    return new DaomeshError(code, message, hint, isErrorDetail(detail) ? detail : undefined);
  }
  const message = value instanceof Error ? value.message : String(value);
  return new DaomeshError('INTERNAL', message || 'The node reported an error without details.');
}

export function unreachableError(): DaomeshError {
  return new DaomeshError(
    'NODE_NOT_RUNNING',
    'Cannot reach the DAOmesh node.',
    'Check that the node is still running, then try again.',
  );
}

export function connectionLostError(): DaomeshError {
  return new DaomeshError(
    'NODE_NOT_RUNNING',
    'The connection to the DAOmesh node was lost before it answered.',
    'Check the result once it reconnects, then try again if needed.',
  );
}

export function unauthorizedError(): DaomeshError {
  return new DaomeshError(
    'UNAUTHORIZED',
    'The node refused this page: its access secret is missing or out of date.',
    'Open the UI from the link the node printed when it started.',
  );
}

export function unexpectedAnswerError(method: string): DaomeshError {
  return new DaomeshError(
    'INTERNAL',
    `The node answered ${method} with data this app does not understand.`,
    'Make sure the app and the node are the same version.',
  );
}
