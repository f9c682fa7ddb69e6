// A replica that cannot reach the host still has its local data to show: the connection notice says the host
// is away, so a "cannot reach the node" error on top of the data would only repeat it.
import { DaomeshError } from '../../core/errors.ts';

export function hiddenWhileShowing(error: unknown, data: unknown): unknown {
  const unreachable = error instanceof DaomeshError && error.code === 'NODE_NOT_RUNNING';
  return data !== null && unreachable ? null : error;
}
