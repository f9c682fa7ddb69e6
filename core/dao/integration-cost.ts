// What applying an update will cost Yjs, bounded before it is applied. Yjs places a text item among the items
// that lie between its left and right neighbours as its writer named them (YATA), walking past each. One local
// transaction names neighbours that were next to each other in its writer's document, so only edits its writer
// had not seen lie between them; a crafted update can name neighbours far apart, or pile its own items between
// them, and make each of its items walk past thousands of others (a 240 KB envelope held a host's thread 208 s).
// A ledger key's copies are walked likewise, so a key may hold only a few (two devices appending one record).
import * as Y from 'yjs';
import { ledgerRootName } from './dao-doc.ts';
import { GateRefusal } from './gate-rejection.ts';
import { maxTextChars, maxTextOps } from './text-limits.ts';

/** Most text items one update may insert: an edit is at most maxTextOps splices, each one item; room to spare. */
export const maxTextItems = 4 * maxTextOps;

/** Most text positions one update may insert: no edit makes a text longer than maxTextChars. */
export const maxInsertedChars = maxTextChars;

/**
 * Most items of the document, all together, that an update's text items may lie across: the edits of others
 * their writer had not seen. Honest concurrency stays far below; walking them costs a few milliseconds.
 */
export const maxItemsCrossed = 65_536;

/** Most copies a ledger key may hold: more than a few devices appending one record at once never happens. */
export const maxLedgerCopies = 8;

/**
 * Most texts (the charter and the drafts) a document holds: each costs a node ~3 KB of memory however short it
 * is, so 20,000 one-character drafts, 430 KB of updates, took 66 MB. A DAO of a dozen members writes far fewer.
 */
export const maxTexts = 4096;

/** Most texts one update may start: an edit writes to one text. */
export const maxNewTextsPerUpdate = 4;

/** Where a text item goes, as items of the document: after `left` (null: the text's start), before `right` (null: its end). */
type Gap = { readonly left: Y.Item | null; readonly right: Y.Item | null };

/** Where an update's item goes: a text of the document (its root type), a text it has no items of yet, or not a text. */
export type ItemText = Y.AbstractType<unknown> | 'new' | null;

/**
 * Bounds the Yjs work of an update's text items: how many, how long together, and how many of the document's
 * items lie between each one's neighbours (`texts[i]`: where item `i` goes). Neighbours inside the update are
 * followed to the document's items around them. Items are contiguous and in clock order. Throws GateRefusal.
 */
export function checkTextCost(doc: Y.Doc, items: readonly Y.Item[], texts: readonly ItemText[]): void {
  let count = 0;
  let positions = 0;
  let crossed = 0;
  const gaps: (Gap | null)[] = [];
  const walked = new Map<Y.Item | null, Map<Y.Item | null, number>>();
  const first = items[0]?.id;
  /** The update's item holding `id`, or -1 when the document holds it. */
  const inUpdate = (id: Y.ID): number => {
    if (first === undefined || id.client !== first.client || id.clock < first.clock) return -1;
    let low = 0;
    let high = items.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const item = items[middle]!;
      if (id.clock < item.id.clock) high = middle - 1;
      else if (id.clock >= item.id.clock + item.length) low = middle + 1;
      else return middle;
    }
    return -1;
  };
  const stored = (id: Y.ID): Y.Item => Y.getItem(doc.store, id) as Y.Item; // Places checked it is an Item of this document

  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    const text = texts[index] ?? null;
    if (text === null) {
      gaps.push(null);
      continue;
    }
    if (++count > maxTextItems) throw new GateRefusal('TOO_COSTLY', `The update inserts more than ${maxTextItems} text items; an edit makes at most ${maxTextOps}.`);
    if (!(item.content instanceof Y.ContentFormat)) positions += item.length;
    if (positions > maxInsertedChars) throw new GateRefusal('TOO_COSTLY', `The update inserts more than ${maxInsertedChars} characters into texts; no edit inserts more.`);
    const gap = gapOf(item, inUpdate, stored, gaps);
    gaps.push(gap);
    let across = walked.get(gap.left)?.get(gap.right);
    if (across === undefined) {
      across = itemsBetween(gap, text, maxItemsCrossed - crossed);
      let byRight = walked.get(gap.left);
      if (byRight === undefined) walked.set(gap.left, (byRight = new Map()));
      byRight.set(gap.right, across);
    }
    crossed += across;
    if (crossed > maxItemsCrossed) {
      throw new GateRefusal('TOO_COSTLY', `The update's text items lie across more than ${maxItemsCrossed} items of the document; one edit's neighbours are next to each other but for what its writer had not seen.`);
    }
  }
}

/** The document items around `item`: its neighbours, or, for a neighbour inside the update, that one's. */
function gapOf(item: Y.Item, inUpdate: (id: Y.ID) => number, stored: (id: Y.ID) => Y.Item, gaps: readonly (Gap | null)[]): Gap {
  const side = (id: Y.ID | null, which: 'left' | 'right'): Y.Item | null => {
    if (id === null) return null;
    const index = inUpdate(id);
    if (index === -1) return stored(id);
    // A neighbour in the update was placed before this item (Places checked it), in the same text.
    return gaps[index]?.[which] ?? null;
  };
  return { left: side(item.origin, 'left'), right: side(item.rightOrigin, 'right') };
}

/** How many of the text's items lie from `left` (exclusive) to `right` (exclusive), counting no further than `limit` + 1. */
function itemsBetween(gap: Gap, text: Y.AbstractType<unknown> | 'new', limit: number): number {
  if (text === 'new') return 0;
  let steps = 0;
  for (let struct = gap.left === null ? text._start : gap.left.right; struct !== null && struct !== gap.right; struct = struct.right) {
    if (++steps > limit) break;
  }
  return steps;
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

/** Throws when an update starts more texts than an edit does, or more than the document may hold (`newTexts`: their root names). */
export function checkNewTexts(doc: Y.Doc, newTexts: ReadonlySet<string>): void {
  if (newTexts.size === 0) return;
  if (newTexts.size > maxNewTextsPerUpdate) throw new GateRefusal('TOO_COSTLY', `The update starts ${newTexts.size} texts; an edit writes to one, and an update may start at most ${maxNewTextsPerUpdate}.`);
  const held = textsHeld(doc);
  if (held + newTexts.size > maxTexts) throw new GateRefusal('TOO_COSTLY', `The document holds ${held} texts already; a DAO holds at most ${maxTexts}.`);
}
