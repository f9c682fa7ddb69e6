import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { LedgerRecord } from '../ledger/record.ts';
import { HeldRecords } from './held-records.ts';

/** Only what HeldRecords reads of a record: its id, author and claimed time. */
function held(id: number, time: number, author: string): LedgerRecord {
  return { id: `r${id}`, author, record: { time } } as unknown as LedgerRecord;
}

test('held records come out earliest first, each once, whatever order they were held in; the summary follows', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ time: fc.integer({ min: 0, max: 50 }), author: fc.constantFrom('a', 'b', 'c') }), { maxLength: 60 }),
      fc.array(fc.integer({ min: -5, max: 60 }), { maxLength: 8 }),
      (entries, cuts) => {
        const store = new HeldRecords();
        const records = entries.map((entry, id) => held(id, entry.time, entry.author));
        for (const record of records) store.hold(record);
        for (const record of records.slice(0, 5)) store.hold(record); // holding again changes nothing
        let left = [...records];
        for (const until of [...cuts, 60]) {
          const due = store.takeDue(until);
          const expected = left.filter((record) => record.record.time <= until);
          left = left.filter((record) => record.record.time > until);
          assert.deepEqual(due.map((record) => record.id).sort(), expected.map((record) => record.id).sort());
          assert.deepEqual(due.map((record) => record.record.time), [...due.map((record) => record.record.time)].sort((a, b) => a - b));
          assert.equal(store.size, left.length);
          assert.ok(left.every((record) => store.has(record.id)) && due.every((record) => !store.has(record.id)));
          const times = left.map((record) => record.record.time);
          assert.deepEqual(
            store.summary(),
            left.length === 0 ? null : { count: left.length, earliest: Math.min(...times), latest: Math.max(...times), authors: [...new Set(left.map((record) => record.author))].sort() },
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});
