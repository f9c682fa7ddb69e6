// What applying an update will cost Yjs, bounded before it is applied, by what the update itself holds. Yjs places
// a text item among the items that lie between its left and right neighbours (YATA), walking past each; a crafted
// update of thousands of items at one place made each walk past all the others (a 240 KB envelope held a host's
// thread 208 s). An update may hold only what an edit makes: few items, few characters, few new texts.
//
// Every refusal here depends on the update alone, never on what the receiving document holds already: a refusal
// that depended on the document would be met by some nodes and not others, as envelopes arrive in other orders,
// and the nodes would part for good (what follows a refused update on its Yjs client waits for it for ever).
// So a member can still pile items at one place over many envelopes, each costing the walk past the pile so far;
// that cost grows with the pile, envelope by envelope, not with one envelope's size. (Ledger copies are the one
// check against the document: only an author can copy their own record, so only their own records could part.)
import * as Y from 'yjs';
import { ledgerRootName } from './dao-doc.ts';
import { GateRefusal } from './gate-rejection.ts';
import { maxTextChars, maxTextOps } from './text-limits.ts';

/** Most text items one update may insert: an edit is at most maxTextOps splices, each one item; room to spare. */
export const maxTextItems = 4 * maxTextOps;

/** Most text positions one update may insert: no edit makes a text longer than maxTextChars. */
export const maxInsertedChars = maxTextChars;

/** Most copies a ledger key may hold: more than a few devices appending one record at once never happens. */
export const maxLedgerCopies = 8;

/**
 * Most texts (the charter and the drafts) a node starts in a DAO: each costs a node ~3 KB of memory however short
 * it is. Checked on this node's own edits only (text-edit.ts), never on peers' updates (see above).
 */
export const maxTexts = 4096;

/** Most texts one update may write to: an edit writes to one (the genesis envelope too: the charter). */
export const maxTextsPerUpdate = 4;

/** Bounds an update's text items: how many, and how many characters. */
export function checkTextCost(textItems: readonly Y.Item[]): void {
  if (textItems.length > maxTextItems) throw new GateRefusal('TOO_COSTLY', `The update inserts more than ${maxTextItems} text items; an edit makes at most ${maxTextOps}.`);
  let positions = 0;
  for (const item of textItems) if (!(item.content instanceof Y.ContentFormat)) positions += item.length;
  if (positions > maxInsertedChars) throw new GateRefusal('TOO_COSTLY', `The update inserts more than ${maxInsertedChars} characters into texts; no edit inserts more.`);
}

/** Throws when the ledger key `key` already holds maxLedgerCopies copies (Yjs walks them all for each new one). */
export function checkLedgerCopies(ledger: Y.Map<Uint8Array>, key: string): void {
  let copies = 0;
  for (let struct: Y.Item | null = ledger._map.get(key) ?? null; struct !== null; struct = struct.left) {
    if (++copies >= maxLedgerCopies) throw new GateRefusal('TOO_COSTLY', `Ledger entry ${key.slice(0, 12)}… already holds ${maxLedgerCopies} copies of its record; no more are taken.`);
  }
}

/**
 * The texts a document holds: its roots with content, the ledger aside. (Reading a text that does not exist makes
 * an empty root in that document only, which no peer has: not counted.)
 */
export function textsHeld(doc: Y.Doc): number {
  let held = 0;
  for (const [name, root] of doc.share) if (name !== ledgerRootName && root._start !== null) held++;
  return held;
}

/** Throws when an update writes to more texts than an edit does (`texts`: their root names); each new text costs a node memory. */
export function checkTextsWritten(texts: ReadonlySet<string>): void {
  if (texts.size > maxTextsPerUpdate) throw new GateRefusal('TOO_COSTLY', `The update writes to ${texts.size} texts; an edit writes to one, and an update may write to at most ${maxTextsPerUpdate}.`);
}
