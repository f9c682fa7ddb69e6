// Copies of small byte arrays into shared slabs. The gate uses two per document:
// - envelopes: one that arrives as a view of a larger buffer (a catch-up frame, a gossip message) gets a copy of
//   its own, so that the records read from it (views) do not keep the rest of that buffer alive;
// - records: the document keeps a one-record envelope's record as a copy of its bytes alone, not as a view of
//   the envelope, whose copy is then garbage once its records are folded (~200 of an envelope's ~750 bytes
//   are its signature, keys and framing).
// A fresh ArrayBuffer per copy cost about a microsecond of the ~17 µs of JS a one-record envelope takes through
// the gate, Yjs and the fold; a slab is one allocation for dozens of copies.
//
// What a slab costs: it lives as long as any copy in it does. The gate gives back the copy of an envelope it
// refuses (release), so refused bytes never hold a slab; an envelope the document keeps views of (text edits,
// several records) may hold its slab, at most `slabBytes` per kept envelope.

export class ByteArena {
  readonly #slabBytes: number;
  /** Copies larger than this get a buffer of their own: a large one would waste the rest of a slab. */
  readonly #ownBufferAbove: number;
  #slab: Uint8Array;
  #used = 0;

  constructor(slabBytes = 16 * 1024) {
    this.#slabBytes = slabBytes;
    this.#ownBufferAbove = slabBytes / 8;
    this.#slab = new Uint8Array(0);
  }

  /** A copy of `bytes` that shares no memory with them. */
  copy(bytes: Uint8Array): Uint8Array {
    const length = bytes.length;
    if (length > this.#ownBufferAbove) return bytes.slice();
    if (this.#used + length > this.#slab.length) {
      this.#slab = new Uint8Array(this.#slabBytes);
      this.#used = 0;
    }
    const copy = this.#slab.subarray(this.#used, this.#used + length);
    copy.set(bytes);
    this.#used += length;
    return copy;
  }

  /**
   * Gives back the space of `copy`, the latest copy, when nothing will read it again (the caller dropped every
   * view of it); a copy that is not the latest keeps its space (a no-op), as does a copy with a buffer of its own.
   */
  release(copy: Uint8Array): void {
    if (copy.buffer === this.#slab.buffer && copy.byteOffset + copy.length === this.#used) this.#used = copy.byteOffset;
  }
}
