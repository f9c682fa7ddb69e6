// Binds an editable field to a collaborative text of a DAO. The UI's replica only ever holds what the host sent
// (local-replica.ts), so typing does not write to it: each burst of typing becomes one splice (the span that
// differs), sent with dao.editText at a relative position made on the replica, and shows up in the replica
// when it next syncs. Meanwhile the field keeps what was typed; when someone else's edit arrives first, the
// edit not yet sent moves past it, and so does the cursor.
//
// `base` is the text the field's value was made from: the replica's text, plus the edit on its way. One edit is
// on its way at a time, so a splice is always made on a replica that reads exactly `base`.
import type { TextOp } from '../../core/bridge/api.ts';
import { maxTextChars } from '../../core/dao/text-limits.ts';
import { applySplice, mapIndex, rebaseSplice, spliceBetween } from '../../core/dao/text-splice.ts';
import { DaomeshError } from '../../core/errors.ts';

export type TextSelection = { readonly start: number; readonly end: number };

export type TextBindingOptions = {
  /** The replica's text now. */
  read: () => string;
  /** A relative position (base64) before character `index` of the replica's text. */
  positionAt: (index: number) => string;
  /** Sends the edit, and resolves once the replica holds the host's text after it (dao.editText, then a sync). */
  send: (ops: TextOp[]) => Promise<void>;
  /** The value, the error or `sending` changed. */
  onUpdate: () => void;
  /** How long typing may pause before its burst is sent. */
  delayMs?: number;
};

export class TextBinding {
  readonly #options: TextBindingOptions;
  #base: string;
  #value: string;
  #sending = false;
  #error: unknown = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #selection: TextSelection | null = null;
  #disposed = false;
  /** The edit on its way, while one is. */
  #inflight: Promise<void> | null = null;

  constructor(options: TextBindingOptions) {
    this.#options = options;
    this.#base = options.read();
    this.#value = this.#base;
  }

  get value(): string {
    return this.#value;
  }

  /** Why the last edit was refused (it was taken back), or null. */
  get error(): unknown {
    return this.#error;
  }

  /** Typed text the host does not hold yet. */
  get pending(): boolean {
    return this.#sending || this.#value !== this.#base;
  }

  /**
   * What the field may say of its text: the host holds it all, typed text is on its way, or it is not saved (an
   * edit was refused, or the text is too long to send): nothing more is sent until the text is typed again.
   */
  get saveState(): 'saved' | 'saving' | 'not-saved' {
    if (this.#error !== null || this.#tooLong()) return 'not-saved';
    return this.pending ? 'saving' : 'saved';
  }

  /** Where the cursor belongs after someone else's edit moved the text under it, once. */
  takeSelection(): TextSelection | null {
    const selection = this.#selection;
    this.#selection = null;
    return selection;
  }

  /** The field's new value, as the user left it. */
  input(value: string): void {
    if (this.#disposed || value === this.#value) return;
    this.#value = value;
    this.#error = null;
    this.#schedule();
    this.#options.onUpdate();
  }

  /**
   * The replica may have changed: take in what others wrote, keeping what was typed and not sent, and the
   * cursor (`selection`, in the field's value now) where it was relative to the text around it.
   */
  replicaChanged(selection?: TextSelection | null): void {
    if (this.#disposed || this.#sending) return;
    const replica = this.#options.read();
    if (replica === this.#base) return;
    const remote = spliceBetween(this.#base, replica)!;
    const local = spliceBetween(this.#base, this.#value);
    const value = local === null ? replica : applySplice(replica, rebaseSplice(local, remote));
    const moved = spliceBetween(this.#value, value);
    if (selection && moved) this.#selection = { start: mapIndex(selection.start, moved), end: mapIndex(selection.end, moved) };
    this.#base = replica;
    this.#value = value;
    this.#options.onUpdate();
    if (local !== null) this.#schedule();
  }

  /** Sends what was typed now (the field lost focus, or is going away). */
  flush(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    return this.#send();
  }

  /**
   * Sends what was typed and waits until the host holds it all (nothing pending), or an edit was refused
   * (then `error` says why). For an action that must come after the typing, such as clearing a draft.
   */
  async settle(): Promise<void> {
    while (!this.#disposed && this.pending && this.#error === null) await (this.#inflight ?? this.flush());
  }

  dispose(): void {
    if (this.#timer !== null) void this.flush();
    this.#disposed = true;
  }

  /** Too long to send: over maxTextChars and made longer (a text a peer made too long may still be cut down). */
  #tooLong(): boolean {
    return this.#value.length > maxTextChars && this.#value.length > this.#base.length;
  }

  #schedule(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#send();
    }, this.#options.delayMs ?? 300);
  }

  #send(): Promise<void> {
    if (this.#sending || this.#value === this.#base) return this.#inflight ?? Promise.resolve();
    // The promise handed out is the one that forgets itself: nothing is left dangling if sending throws.
    const sending: Promise<void> = this.#sendNow().finally(() => {
      if (this.#inflight === sending) this.#inflight = null;
    });
    this.#inflight = sending;
    return sending;
  }

  async #sendNow(): Promise<void> {
    // Others' edits first, so the splice is made on a replica that reads exactly `base`.
    this.replicaChanged();
    const splice = spliceBetween(this.#base, this.#value);
    if (splice === null) return;
    if (this.#tooLong()) {
      this.#error = new DaomeshError('TEXT_TOO_LONG', `A text may hold at most ${maxTextChars} characters; this one has ${this.#value.length}.`);
      this.#options.onUpdate();
      return;
    }
    const ops: TextOp[] = [{ at: this.#options.positionAt(splice.index), delete: splice.delete, insert: splice.insert }];
    this.#sending = true;
    // Once the edit is back from the host, the replica reads this; if it was refused, the next look at the
    // replica takes it back like anyone's edit, keeping what was typed since.
    this.#base = applySplice(this.#base, splice);
    this.#options.onUpdate();
    try {
      await this.#options.send(ops);
    } catch (error) {
      this.#error = error;
    } finally {
      this.#sending = false;
    }
    if (this.#disposed) return;
    this.replicaChanged();
    if (this.#value !== this.#base) this.#schedule();
    this.#options.onUpdate();
  }
}
