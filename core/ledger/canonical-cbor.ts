// DAG-CBOR decoding of what records and envelopes almost always are: canonically encoded maps, arrays, byte
// strings, ASCII text, safe integers, booleans and null. It gives what the generic decoder (@ipld/dag-cbor)
// gives for such bytes — equal values, except that byte strings are views of the input rather than copies, so
// the input must not change afterwards (records and envelopes keep their bytes anyway) — in a fraction of its
// time and allocations (its token stream was a tenth of the cost of taking in a record), and undefined for anything else — other text, floats, tags, big integers, non-minimal
// lengths, unsorted or repeated map keys, deep nesting, trailing bytes — which then goes to the generic decoder
// (and is refused there, or decoded the slow way).
//
// Because it only accepts the one canonical encoding of what it returns, bytes it accepts are exactly what the
// encoder would write for the value: a caller that needs canonical bytes need not re-encode to compare.

/** Deeper nesting than this goes to the generic decoder (whose recursion decides what it makes of it). */
const maxDepth = 32;

/** The keys records and envelopes use, so that decoding them makes no new strings. */
const oneCharacter = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));

/**
 * Reads canonical DAG-CBOR item by item, for a caller that knows the shape to expect (record.ts reads records
 * this way, straight into their fields). Every method gives undefined (or -1) when the next item is not what
 * it asks for, and the caller then leaves the bytes to the generic decoder.
 */
export class CanonicalReader {
  readonly bytes: Uint8Array;
  at = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** True when every byte has been read. */
  done(): boolean {
    return this.at === this.bytes.length;
  }

  /** The entry count of a map, or -1. */
  mapHeader(): number {
    return this.header(5);
  }

  /** The item count of a list, or -1. */
  listHeader(): number {
    return this.header(4);
  }

  /** A safe non-negative integer, or -1. */
  uint(): number {
    return this.header(0);
  }

  /** True (and past it) when the next item is the one-character text `code`, as map keys of records and envelopes are. */
  key(code: number): boolean {
    if (this.bytes[this.at] !== 0x61 || this.bytes[this.at + 1] !== code) return false;
    this.at += 2;
    return true;
  }

  /** A byte string (of `length` bytes, when given), as a view of the input. */
  byteString(length?: number): Uint8Array | undefined {
    const found = this.header(2);
    return found < 0 || (length !== undefined && found !== length) ? undefined : takeBytes(this, found);
  }

  /** Null, or a byte string of `length` bytes. */
  nullOrByteString(length: number): Uint8Array | null | undefined {
    if (this.bytes[this.at] === 0xf6) {
      this.at++;
      return null;
    }
    return this.byteString(length);
  }

  /** ASCII text. */
  text(): string | undefined {
    const length = this.header(3);
    return length < 0 ? undefined : readAscii(this, length);
  }

  /** Any value decodeCanonical takes. */
  value(): unknown {
    return readValue(this, 0);
  }

  /** The argument of an item of major type `major` (its length, count or value); -1 for any other item. */
  private header(major: number): number {
    const head = this.bytes[this.at];
    if (head === undefined || head >> 5 !== major) return -1;
    this.at++;
    return readArgument(this, head & 0x1f);
  }
}

type Reader = CanonicalReader;

/**
 * The `length` bytes at reader.at as a plain Uint8Array even when the input is a Node Buffer, as the decoder
 * gives, but a view of the input rather than a copy: a record's fields are a dozen small arrays, and each copy
 * was three objects.
 */
function takeBytes(reader: Reader, length: number): Uint8Array | undefined {
  const bytes = reader.bytes;
  const end = reader.at + length;
  if (end > bytes.length) return undefined;
  const value = new Uint8Array(bytes.buffer, bytes.byteOffset + reader.at, length);
  reader.at = end;
  return value;
}

/** The value of canonical DAG-CBOR `bytes` (see above), or undefined when it is not of the simple kind. */
export function decodeCanonical(bytes: Uint8Array): unknown {
  const reader = new CanonicalReader(bytes);
  const value = readValue(reader, 0);
  return reader.at === bytes.length ? value : undefined;
}

/** The argument of the head at reader.at (its length or value), minimally encoded and a safe integer; -1 if not. */
function readArgument(reader: Reader, info: number): number {
  const bytes = reader.bytes;
  const at = reader.at;
  if (info < 24) return info;
  if (info === 24) {
    if (at + 1 > bytes.length) return -1;
    const value = bytes[at]!;
    reader.at = at + 1;
    return value < 24 ? -1 : value;
  }
  if (info === 25) {
    if (at + 2 > bytes.length) return -1;
    const value = (bytes[at]! << 8) | bytes[at + 1]!;
    reader.at = at + 2;
    return value < 0x100 ? -1 : value;
  }
  if (info === 26) {
    if (at + 4 > bytes.length) return -1;
    const value = bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
    reader.at = at + 4;
    return value < 0x10000 ? -1 : value;
  }
  if (info === 27) {
    if (at + 8 > bytes.length) return -1;
    const high = bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
    const low = bytes[at + 4]! * 0x1000000 + ((bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!);
    reader.at = at + 8;
    // Above 2^53 - 1 the decoder gives a BigInt: not ours.
    if (high === 0 || high > 0x1fffff) return -1;
    return high * 0x100000000 + low;
  }
  return -1; // indefinite lengths and reserved values
}

function readValue(reader: Reader, depth: number): unknown {
  const bytes = reader.bytes;
  if (reader.at >= bytes.length || depth > maxDepth) return undefined;
  const head = bytes[reader.at++]!;
  const major = head >> 5;
  const info = head & 0x1f;
  if (major === 7) {
    if (head === 0xf4) return false;
    if (head === 0xf5) return true;
    if (head === 0xf6) return null;
    return undefined; // floats, undefined, other simple values
  }
  if (major === 6) return undefined; // tags (CIDs)
  const argument = readArgument(reader, info);
  if (argument < 0) return undefined;
  switch (major) {
    case 0:
      return argument;
    case 1:
      // Below -(2^53 - 1) the decoder gives a BigInt.
      return argument < Number.MAX_SAFE_INTEGER ? -1 - argument : undefined;
    case 2:
      return takeBytes(reader, argument);
    case 3:
      return readAscii(reader, argument);
    case 4: {
      // Every item takes at least a byte: a count beyond what is left is malformed, and not allocated for.
      if (argument > bytes.length - reader.at) return undefined;
      const list: unknown[] = new Array(argument);
      for (let i = 0; i < argument; i++) {
        const item = readValue(reader, depth + 1);
        if (item === undefined) return undefined;
        list[i] = item;
      }
      return list;
    }
    default: {
      // major 5, a map: text keys, sorted as DAG-CBOR sorts them (shorter first, then bytewise), no repeats.
      if (argument > bytes.length - reader.at) return undefined;
      const map: Record<string, unknown> = {};
      let previousStart = -1;
      let previousLength = -1;
      for (let i = 0; i < argument; i++) {
        if (reader.at >= bytes.length || bytes[reader.at]! >> 5 !== 3) return undefined;
        reader.at++;
        const length = readArgument(reader, bytes[reader.at - 1]! & 0x1f);
        const start = reader.at;
        if (length < 0 || !keyFollows(bytes, previousStart, previousLength, start, length)) return undefined;
        const key = readAscii(reader, length);
        // The decoder defines __proto__ as an own property; leave such oddities to it.
        if (key === undefined || key === '__proto__') return undefined;
        const value = readValue(reader, depth + 1);
        if (value === undefined) return undefined;
        map[key] = value;
        previousStart = start;
        previousLength = length;
      }
      return map;
    }
  }
}

/** True when the key at `start` sorts strictly after the previous one (none yet when previousStart < 0). */
function keyFollows(bytes: Uint8Array, previousStart: number, previousLength: number, start: number, length: number): boolean {
  if (previousStart < 0) return true;
  if (length !== previousLength) return length > previousLength;
  if (start + length > bytes.length) return false;
  for (let i = 0; i < length; i++) {
    const difference = bytes[start + i]! - bytes[previousStart + i]!;
    if (difference !== 0) return difference > 0;
  }
  return false;
}

/**
 * Short texts read before, by a hash of their bytes: map keys, record kinds and choices repeat in every record,
 * and building each anew (then V8 internalizing every key) was a visible share of decoding one. A cache only:
 * a text is returned from it when its bytes are the same, and a collision replaces the entry.
 */
const internedTexts: Array<string | undefined> = new Array<string | undefined>(1024).fill(undefined);
const maxInternedLength = 32;

/** ASCII text of `length` bytes at reader.at; undefined when it runs past the end or holds any other byte. */
function readAscii(reader: Reader, length: number): string | undefined {
  const bytes = reader.bytes;
  const start = reader.at;
  const end = start + length;
  if (end > bytes.length) return undefined;
  if (length === 1) {
    const code = bytes[start]!;
    if (code >= 0x80) return undefined;
    reader.at = end;
    return oneCharacter[code];
  }
  let slot = -1;
  if (length <= maxInternedLength) {
    // FNV-1a over the bytes, which also checks that they are ASCII.
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      const code = bytes[i]!;
      if (code >= 0x80) return undefined;
      hash = Math.imul(hash ^ code, 0x01000193);
    }
    slot = (hash >>> 0) & (internedTexts.length - 1);
    const known = internedTexts[slot];
    if (known !== undefined && known.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (known.charCodeAt(i) !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        reader.at = end;
        return known;
      }
    }
  }
  let text = '';
  for (let i = start; i < end; i++) {
    const code = bytes[i]!;
    if (code >= 0x80) return undefined;
    text += oneCharacter[code];
  }
  reader.at = end;
  if (slot >= 0) internedTexts[slot] = text;
  return text;
}
