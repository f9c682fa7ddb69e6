// Ledger entries packed for the trip to the fold worker: structured-cloning tens of thousands of small arrays
// costs the page more than the Yjs load itself (~95 ms for 20k records), while one buffer moves without a copy
// (transferred) and the ids go as one string. Ids are base64url and never hold a newline; an entry whose id
// does or whose value is not bytes travels as an empty id with no bytes (end -1), which the fold skips and counts.
import { z } from 'zod';

export const PackedEntries = z.object({
  /** The ids, joined by newlines. */
  ids: z.string(),
  /** Every entry's bytes, end to end. */
  bytes: z.instanceof(Uint8Array),
  /** Where each entry's bytes end in `bytes`; -1 for an entry that has none. */
  ends: z.instanceof(Int32Array),
});
export type PackedEntries = z.infer<typeof PackedEntries>;

const usable = (id: unknown, value: unknown): value is Uint8Array => typeof id === 'string' && !id.includes('\n') && value instanceof Uint8Array;

export function packEntries(entries: ReadonlyArray<readonly [string, unknown]>): PackedEntries {
  let size = 0;
  for (const [id, value] of entries) if (usable(id, value)) size += value.byteLength;
  const bytes = new Uint8Array(size);
  const ends = new Int32Array(entries.length);
  const ids: string[] = [];
  let at = 0;
  entries.forEach(([id, value], index) => {
    const ok = usable(id, value);
    ids.push(ok ? id : '');
    if (ok) {
      bytes.set(value, at);
      at += value.byteLength;
    }
    ends[index] = ok ? at : -1;
  });
  return { ids: ids.join('\n'), bytes, ends };
}

/** The entries back, each value a view into `bytes` (null for one that had none); throws if the parts disagree. */
export function unpackEntries(packed: PackedEntries): Array<[string, Uint8Array | null]> {
  const { bytes, ends } = packed;
  if (ends.length === 0) {
    if (packed.ids !== '' || bytes.byteLength !== 0) throw new Error('Packed entries: no entries, yet ids or bytes.');
    return [];
  }
  const ids = packed.ids.split('\n');
  if (ids.length !== ends.length) throw new Error(`Packed entries: ${ids.length} ids for ${ends.length} entries.`);
  const entries: Array<[string, Uint8Array | null]> = [];
  let start = 0;
  for (let index = 0; index < ends.length; index++) {
    const end = ends[index]!;
    if (end === -1) {
      entries.push([ids[index]!, null]);
      continue;
    }
    if (end < start || end > bytes.byteLength) throw new Error(`Packed entries: entry ${index} ends at ${end}, outside ${start}..${bytes.byteLength}.`);
    entries.push([ids[index]!, bytes.subarray(start, end)]);
    start = end;
  }
  if (start !== bytes.byteLength) throw new Error('Packed entries: bytes left over after the last entry.');
  return entries;
}
