// Plain-string splices for an editor bound to a collaborative text: what changed between two versions of a
// field (one splice: the common prefix and suffix stay), and how an edit not yet sent moves when someone
// else's edit arrives first. The editor sends splices to the host (dao.editText); the host's document decides
// the real merge, these only keep the field and the cursor sensible meanwhile.
import type { TextSplice } from './text-edit.ts';

/** The one splice that turns `before` into `after`, or null when they are equal. Never splits a surrogate pair. */
export function spliceBetween(before: string, after: string): TextSplice | null {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end--;
  return { index: start, delete: before.length - start - end, insert: after.slice(start, after.length - end) };
}

export function applySplice(text: string, splice: TextSplice): string {
  return text.slice(0, splice.index) + splice.insert + text.slice(splice.index + splice.delete);
}

/**
 * Where `index` of the text before `splice` is after it. An index inside the deleted range goes to the end of
 * what was inserted there; one at the splice's start stays before the insertion unless `after` asks otherwise.
 */
export function mapIndex(index: number, splice: TextSplice, after = false): number {
  if (index < splice.index || (index === splice.index && !after)) return index;
  if (index >= splice.index + splice.delete) return index - splice.delete + splice.insert.length;
  return splice.index + splice.insert.length;
}

/**
 * `local` and `remote` were both made on the same text; returns `local` made on the text after `remote`. Where
 * they overlap, local keeps its insertion, and its deletion covers whatever lies in its range now.
 */
export function rebaseSplice(local: TextSplice, remote: TextSplice): TextSplice {
  const start = mapIndex(local.index, remote);
  const end = Math.max(start, mapIndex(local.index + local.delete, remote));
  return { index: start, delete: end - start, insert: local.insert };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
