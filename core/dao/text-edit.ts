// Applies a caller's edit to a collaborative text of a DAO document (dao.editText). An edit is a list of splices
// — at a position, delete some characters, insert a string — whose positions all refer to the text as the caller
// saw it. A position is either an index (for callers without a replica: the CLI) or a Yjs relative position made
// on the caller's replica, which names the character it sits before: the UI's replica may lag the host's
// document, and an index would then land in the wrong place while a relative position does not.
//
// Two steps, so that nothing is half applied: planTextEdit resolves and checks every splice against the
// document (throws a DaomeshError, changes nothing); applyTextSplices then writes them in the caller's
// transaction, last first, so each index stays right.
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import { DaomeshError } from '../errors.ts';
import { daoText, textRootName, type TextName } from './dao-doc.ts';
import { maxTexts, textsHeld } from './integration-cost.ts';
import { maxTextChars } from './text-limits.ts';

export type TextEditOp = {
  /** An index into the text, or a Yjs relative position (Y.encodeRelativePosition) in standard base64. */
  readonly at: number | string;
  readonly delete: number;
  readonly insert: string;
};

/** A splice resolved against the host's text: an index, how many characters go, what comes in. */
export type TextSplice = { readonly index: number; readonly delete: number; readonly insert: string };

export type TextEditPlan = {
  readonly name: TextName;
  readonly splices: readonly TextSplice[];
  /** The text's length before and after the edit. */
  readonly lengthBefore: number;
  readonly lengthAfter: number;
};

/**
 * Resolves `ops` against the document's text `name`. Splices must come in text order and must not overlap (a
 * deletion that runs into the next splice, or past the end, is cut short). The edit may not make the text
 * longer than maxTextChars (TEXT_TOO_LONG); a text already longer, from a peer, may still be shortened.
 */
export function planTextEdit(doc: Y.Doc, name: TextName, ops: readonly TextEditOp[]): TextEditPlan {
  const rootName = textRootName(name);
  // Each text costs every node memory (integration-cost.ts maxTexts): this node starts none past the bound.
  if ((doc.share.get(rootName)?._start ?? null) === null && ops.some((op) => op.insert.length > 0) && textsHeld(doc) >= maxTexts) {
    throw new DaomeshError('BAD_REQUEST', `This DAO holds ${maxTexts.toLocaleString('en')} texts, the most this node starts: a new draft cannot be started.`, 'Write in a draft that exists, or empty one and reuse it.');
  }
  // Reading a text that does not exist yet creates an empty root in this doc only: no update, nothing to sync.
  const text = daoText(doc, name);
  const length = text.length;
  const resolved = ops.map((op, i) => ({ index: resolvePosition(doc, text, rootName, op.at, i), op }));
  const splices: TextSplice[] = [];
  let end = 0;
  for (const [i, { index, op }] of resolved.entries()) {
    if (index < end) {
      throw new DaomeshError('BAD_REQUEST', `Edit ${i + 1} of ${name} starts at ${index}, inside or before the edit before it (which ends at ${end}).`, 'Send the edits in text order, without overlaps.');
    }
    const next = resolved[i + 1]?.index ?? length;
    const deleted = Math.max(0, Math.min(op.delete, Math.max(next, index) - index, length - index));
    end = index + deleted;
    if (deleted > 0 || op.insert.length > 0) splices.push({ index, delete: deleted, insert: op.insert });
  }
  const lengthAfter = splices.reduce((total, splice) => total - splice.delete + splice.insert.length, length);
  if (lengthAfter > maxTextChars && lengthAfter > length) {
    throw new DaomeshError(
      'TEXT_TOO_LONG',
      `This edit would make ${name === 'charter' ? 'the charter' : 'the draft'} ${lengthAfter.toLocaleString('en')} characters long; a text may hold at most ${maxTextChars.toLocaleString('en')}.`,
      'Shorten it, or split it into several drafts.',
    );
  }
  return { name, splices, lengthBefore: length, lengthAfter };
}

/** Writes a plan's splices into the document; call it inside the local writer's transaction, right after planning. */
export function applyTextSplices(doc: Y.Doc, plan: TextEditPlan): void {
  const text = daoText(doc, plan.name);
  for (let i = plan.splices.length - 1; i >= 0; i--) {
    const splice = plan.splices[i]!;
    if (splice.delete > 0) text.delete(splice.index, splice.delete);
    if (splice.insert.length > 0) text.insert(splice.index, splice.insert);
  }
}

/** The index a position stands for in `text` now; BAD_REQUEST for one that is out of range, undecodable or elsewhere. */
function resolvePosition(doc: Y.Doc, text: Y.Text, rootName: string, at: number | string, i: number): number {
  const which = `Position ${i + 1}`;
  if (typeof at === 'number') {
    if (!Number.isInteger(at) || at < 0 || at > text.length) {
      throw new DaomeshError('BAD_REQUEST', `${which} (${at}) is outside the text, which has ${text.length} characters.`, 'Read the text again and retry.');
    }
    return at;
  }
  let position: Y.RelativePosition;
  try {
    position = Y.decodeRelativePosition(base64.decode(at));
  } catch {
    throw new DaomeshError('BAD_REQUEST', `${which} does not decode as a Yjs relative position.`, 'Send Y.encodeRelativePosition of a position in the text, in base64.');
  }
  // Checked before Yjs resolves it: resolving a position by root name creates that root in the document.
  if (position.type !== null || (position.tname !== null && position.tname !== rootName) || (position.item === null && position.tname === null)) {
    throw new DaomeshError('BAD_REQUEST', `${which} is not in ${rootName}.`);
  }
  let absolute: Y.AbsolutePosition | null;
  try {
    absolute = Y.createAbsolutePositionFromRelativePosition(position, doc);
  } catch {
    absolute = null;
  }
  if (absolute === null) {
    throw new DaomeshError('BAD_REQUEST', `${which} names text this node does not hold.`, 'Sync the DAO and retry.');
  }
  if (absolute.type !== text) throw new DaomeshError('BAD_REQUEST', `${which} is not in ${rootName}.`);
  return absolute.index;
}
