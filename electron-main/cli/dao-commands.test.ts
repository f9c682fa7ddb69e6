import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DaoView, ProposalView } from '../../core/bridge/api.ts';
import { describeEffect, describeEvidencePage } from './dao-commands.ts';

test('`dao evidence` says which ignored records a page shows, and how to ask for the next', () => {
  assert.equal(describeEvidencePage(0, 1, 1), '1 ignored record');
  assert.equal(describeEvidencePage(0, 5, 5), 'all 5 ignored records');
  assert.equal(describeEvidencePage(0, 100, 250), 'ignored records 1 to 100 of 250; --offset 100 for the next');
  assert.equal(describeEvidencePage(200, 50, 250), 'ignored records 201 to 250 of 250');
  assert.equal(describeEvidencePage(4, 1, 5), 'ignored record 5 of 5');
  assert.equal(describeEvidencePage(5, 0, 1), 'no ignored records from number 6 on: the DAO ignores 1 in all');
});

test('`proposal show` prints a signal text, and no blank line for a signal without one', () => {
  const view = {} as DaoView;
  const signal = (text: string) => ({ kind: 'signal', summary: text, params: { kind: 'signal', text } }) as unknown as ProposalView;
  assert.deepEqual(describeEffect(view, signal('in the north bed')), ['  in the north bed']);
  assert.deepEqual(describeEffect(view, signal('')), []);
});
