// Columns for the fold snapshot (fold-snapshot.ts, proposal-facts-snapshot.ts): per-record and per-proposal
// numbers as little-endian typed arrays in byte strings, which decode without a token per value, and one table
// for the strings that repeat. Reading them checks every length, and refuses with the snapshot's own error.
import { DaomeshError } from '../errors.ts';

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function int32Bytes(values: ArrayLike<number>): Uint8Array {
  const array = values instanceof Int32Array ? values : Int32Array.from(values);
  if (littleEndian) return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const bytes = new Uint8Array(array.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < array.length; i++) view.setInt32(i * 4, array[i]!, true);
  return bytes;
}

export function float64Bytes(values: ArrayLike<number>): Uint8Array {
  const array = values instanceof Float64Array ? values : Float64Array.from(values);
  if (littleEndian) return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const bytes = new Uint8Array(array.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < array.length; i++) view.setFloat64(i * 8, array[i]!, true);
  return bytes;
}

/** A copy (aligned, so typed arrays can view it) of little-endian int32s. */
export function int32s(bytes: unknown, what: string, count?: number): Int32Array {
  if (!(bytes instanceof Uint8Array) || bytes.length % 4 !== 0) refuse(`${what} is not a list of 32-bit integers`);
  if (count !== undefined && bytes.length !== count * 4) refuse(`${what} has ${bytes.length / 4} entries, not ${count}`);
  const array = new Int32Array(bytes.length / 4);
  if (littleEndian) new Uint8Array(array.buffer).set(bytes);
  else for (let i = 0, view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length); i < array.length; i++) array[i] = view.getInt32(i * 4, true);
  return array;
}

export function float64s(bytes: unknown, what: string, count: number): Float64Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== count * 8) refuse(`${what} is not ${count} 64-bit numbers`);
  const array = new Float64Array(count);
  if (littleEndian) new Uint8Array(array.buffer).set(bytes);
  else for (let i = 0, view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length); i < count; i++) array[i] = view.getFloat64(i * 8, true);
  return array;
}

export function refuse(reason: string): never {
  throw new DaomeshError('INTERNAL', `The fold snapshot cannot be used: ${reason}.`, 'The DAO is folded again from its records.');
}

/** Interns strings into one table. */
export class Strings {
  readonly list: string[] = [];
  private readonly indexes = new Map<string, number>();

  of(text: string): number {
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.list.length;
      this.list.push(text);
      this.indexes.set(text, index);
    }
    return index;
  }
}
