// The records a ledger holds back for claiming a time too far ahead of the local clock, earliest first. Holding
// one, taking in those now due and saying when the next is due cost O(log n) each, however many are held: a
// member who writes thousands of records dated ahead must not make every later add scan them all.
import type { LedgerRecord } from '../ledger/record.ts';

export type HeldSummary = {
  readonly count: number;
  readonly earliest: number;
  readonly latest: number;
  readonly authors: readonly string[];
};

export class HeldRecords {
  readonly #byId = new Map<string, LedgerRecord>();
  /** A binary min-heap by claimed time. */
  readonly #heap: LedgerRecord[] = [];
  /** How many held records each author has. */
  readonly #authors = new Map<string, number>();
  /** The latest time held; only ever raised while anything is held (what is taken out is the earliest). */
  #latest = Number.MIN_SAFE_INTEGER;

  get size(): number {
    return this.#byId.size;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  ids(): string[] {
    return [...this.#byId.keys()];
  }

  records(): LedgerRecord[] {
    return [...this.#byId.values()];
  }

  hold(record: LedgerRecord): void {
    if (this.#byId.has(record.id)) return;
    this.#byId.set(record.id, record);
    this.#authors.set(record.author, (this.#authors.get(record.author) ?? 0) + 1);
    this.#latest = Math.max(this.#latest, record.record.time);
    const heap = this.#heap;
    heap.push(record);
    for (let at = heap.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1;
      if (heap[parent]!.record.time <= record.record.time) break;
      heap[at] = heap[parent]!;
      heap[parent] = record;
      at = parent;
    }
  }

  /** Takes out and returns the held records claiming a time at or before `until`, earliest first. */
  takeDue(until: number): LedgerRecord[] {
    const due: LedgerRecord[] = [];
    while (this.#heap.length > 0 && this.#heap[0]!.record.time <= until) {
      const record = this.#popEarliest();
      this.#byId.delete(record.id);
      const left = this.#authors.get(record.author)! - 1;
      if (left === 0) this.#authors.delete(record.author);
      else this.#authors.set(record.author, left);
      due.push(record);
    }
    if (this.#heap.length === 0) this.#latest = Number.MIN_SAFE_INTEGER;
    return due;
  }

  summary(): HeldSummary | null {
    const first = this.#heap[0];
    if (first === undefined) return null;
    return { count: this.#heap.length, earliest: first.record.time, latest: this.#latest, authors: [...this.#authors.keys()].sort() };
  }

  #popEarliest(): LedgerRecord {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    heap[0] = last;
    for (let at = 0; ; ) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.record.time < heap[left]!.record.time ? right : left;
      if (heap[child]!.record.time >= last.record.time) break;
      heap[at] = heap[child]!;
      heap[child] = last;
      at = child;
    }
    return top;
  }
}
