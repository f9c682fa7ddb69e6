// The envelope ids a peer holds, sorted, with fingerprints of any range in O(1): what catch-up sync compares.
// A fingerprint is the ids' sum mod 2^256 and their count, hashed (as in Negentropy): adding is order-free, so
// prefix sums give any range's sum by one subtraction, and the hash keeps a crafted set from matching a sum.
import { sha256 } from '@noble/hashes/sha2.js';
import { compareBytes } from '../ledger/record.ts';

export const idBytes = 32;
export const fingerprintBytes = 16;
const limbs = idBytes / 4;

/** A range bound: ids `< upper` are in the range; null is past every id. Bounds are id prefixes (0-32 bytes). */
export type Bound = Uint8Array | null;

/** Compares an id with a bound (a prefix sorts before every id it prefixes). */
export function idBelow(id: Uint8Array, upper: Bound): boolean {
  return upper === null || compareBytes(id, upper) < 0;
}

export class IdSet {
  readonly ids: readonly Uint8Array[];
  /** (n + 1) × 8 little-endian uint32 limbs: prefix[i] = sum of ids[0..i) mod 2^256. */
  readonly #prefix: Uint32Array;

  /** `ids` need not be sorted or unique; anything not 32 bytes long is a caller's bug. */
  constructor(ids: Iterable<Uint8Array>) {
    const sorted = [...ids].sort(compareBytes);
    const unique: Uint8Array[] = [];
    for (const id of sorted) {
      if (id.length !== idBytes) throw new RangeError(`An id is ${idBytes} bytes, not ${id.length}.`);
      const last = unique[unique.length - 1];
      if (last === undefined || compareBytes(last, id) !== 0) unique.push(id);
    }
    this.ids = unique;
    this.#prefix = new Uint32Array((unique.length + 1) * limbs);
    for (let i = 0; i < unique.length; i++) addInto(this.#prefix, i * limbs, (i + 1) * limbs, unique[i]!);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Index of the first id ≥ bound (the size when the bound is null). */
  lowerIndex(bound: Bound): number {
    if (bound === null) return this.ids.length;
    let low = 0;
    let high = this.ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareBytes(this.ids[middle]!, bound) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  has(id: Uint8Array): boolean {
    const index = this.lowerIndex(id);
    return index < this.ids.length && compareBytes(this.ids[index]!, id) === 0;
  }

  /** The fingerprint of ids[from..to). */
  fingerprint(from: number, to: number): Uint8Array {
    const input = new Uint8Array(idBytes + 4);
    const view = new DataView(input.buffer);
    let borrow = 0;
    for (let limb = 0; limb < limbs; limb++) {
      const difference = this.#prefix[to * limbs + limb]! - this.#prefix[from * limbs + limb]! - borrow;
      borrow = difference < 0 ? 1 : 0;
      view.setUint32(limb * 4, difference >>> 0, true);
    }
    view.setUint32(idBytes, to - from, true);
    return sha256(input).subarray(0, fingerprintBytes);
  }
}

/** prefix[to..] = prefix[from..] + id, over 8 little-endian limbs, mod 2^256. */
function addInto(prefix: Uint32Array, from: number, to: number, id: Uint8Array): void {
  const view = new DataView(id.buffer, id.byteOffset, id.byteLength);
  let carry = 0;
  for (let limb = 0; limb < limbs; limb++) {
    const sum = prefix[from + limb]! + view.getUint32(limb * 4, true) + carry;
    prefix[to + limb] = sum >>> 0;
    carry = sum > 0xffffffff ? 1 : 0;
  }
}

/** The shortest prefix of `upper` that still sorts above `below` (a compact bound between two ids). */
export function boundBetween(below: Uint8Array, upper: Uint8Array): Uint8Array {
  let shared = 0;
  while (shared < upper.length && below[shared] === upper[shared]) shared++;
  return upper.slice(0, shared + 1);
}
