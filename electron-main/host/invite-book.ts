// The invites this host issued and the ones it revoked, kept in the data directory. A revoked invite is
// refused by this node at once; the DAO's other nodes refuse it from the `invite.revoke` record the revocation
// also writes to the ledger (sync-store.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './data-dir.ts';

const bookFile = 'invites.json';

const IssuedInvite = z.object({ id: z.string(), dao: z.string(), expires: z.number(), createdAt: z.number() });
export type IssuedInvite = z.infer<typeof IssuedInvite>;
/** An invite this node joined a DAO with: shown again in catch-up until this node is one of the DAO's. */
const JoinedInvite = z.object({ dao: z.string(), code: z.string() });
export type JoinedInvite = z.infer<typeof JoinedInvite>;
const Book = z.object({ issued: z.array(IssuedInvite), revoked: z.array(z.string()), joined: z.array(JoinedInvite).default([]) });
type Book = z.infer<typeof Book>;

export class InviteBook {
  readonly #path: string;
  #book: Book;

  private constructor(path: string, book: Book) {
    this.#path = path;
    this.#book = book;
  }

  static async open(dataDir: string): Promise<InviteBook> {
    const path = join(dataDir, bookFile);
    const text = await readFile(path, 'utf8').catch(() => null);
    let book: Book = { issued: [], revoked: [], joined: [] };
    if (text !== null) {
      // A damaged book loses the list of issued invites, never a revocation we can still read.
      try {
        book = Book.parse(JSON.parse(text));
      } catch {
        book = { issued: [], revoked: [], joined: [] };
      }
    }
    return new InviteBook(path, book);
  }

  issued(dao?: string): IssuedInvite[] {
    return this.#book.issued.filter((invite) => dao === undefined || invite.dao === dao);
  }

  joined(): JoinedInvite[] {
    return this.#book.joined;
  }

  async recordJoin(joined: JoinedInvite): Promise<void> {
    this.#book = { ...this.#book, joined: [...this.#book.joined.filter((entry) => entry.dao !== joined.dao), joined] };
    await this.#save();
  }

  /** Forgets the invite a join used (the join failed: nothing of the DAO is held). */
  async forgetJoin(dao: string): Promise<void> {
    if (!this.#book.joined.some((entry) => entry.dao === dao)) return;
    this.#book = { ...this.#book, joined: this.#book.joined.filter((entry) => entry.dao !== dao) };
    await this.#save();
  }

  isRevoked(id: string): boolean {
    return this.#book.revoked.includes(id);
  }

  async record(invite: IssuedInvite): Promise<void> {
    this.#book = { ...this.#book, issued: [...this.#book.issued, invite] };
    await this.#save();
  }

  async revoke(id: string): Promise<void> {
    if (this.isRevoked(id)) return;
    this.#book = { ...this.#book, revoked: [...this.#book.revoked, id] };
    await this.#save();
  }

  async #save(): Promise<void> {
    await writeFileAtomic(this.#path, JSON.stringify(this.#book, null, 2));
  }
}
