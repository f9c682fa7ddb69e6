// What a benchmark's data structures hold: V8's heap and what lies outside it (array buffers), after full GCs,
// so that the difference of two readings is what stayed alive in between.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes held after two full GCs (the second takes what the first's finalizers freed). */
export function memoryHeld(): number {
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}
