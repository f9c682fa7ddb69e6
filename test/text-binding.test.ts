// The UI's binding of a field to a collaborative text (app/daos/text-binding.ts), against a real host-side
// Y.Doc that applies edits as the host does (core/dao/text-edit.ts) and a replica that syncs from it as the
// UI's does: typing while an edit is on its way, someone else's edit arriving first, a refused edit taken back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import type { TextOp } from '../core/bridge/api.ts';
import { createDaoDoc, daoText } from '../core/dao/dao-doc.ts';
import { applyTextSplices, planTextEdit } from '../core/dao/text-edit.ts';
import { maxTextChars } from '../core/dao/text-limits.ts';
import { DaomeshError } from '../core/errors.ts';
import { TextBinding } from '../app/daos/text-binding.ts';

function setup(initial = '') {
  const host = createDaoDoc();
  const hostEdit = (ops: TextOp[]): void => {
    const plan = planTextEdit(host, 'charter', ops.map((op) => ({ at: op.at, delete: op.delete ?? 0, insert: op.insert ?? '' })));
    host.transact(() => applyTextSplices(host, plan));
  };
  if (initial) hostEdit([{ at: 0, insert: initial }]);
  const replica = createDaoDoc();
  const sync = (): void => Y.applyUpdate(replica, Y.encodeStateAsUpdate(host, Y.encodeStateVector(replica)));
  sync();
  const sent: TextOp[][] = [];
  let gate: Promise<void> = Promise.resolve();
  let refuse = false;
  const binding = new TextBinding({
    read: () => daoText(replica, 'charter').toString(),
    positionAt: (index) => Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(daoText(replica, 'charter'), index))).toString('base64'),
    send: async (ops) => {
      sent.push(ops);
      await gate;
      if (refuse) throw new DaomeshError('TEXT_TOO_LONG', 'refused');
      hostEdit(ops);
      sync();
    },
    onUpdate: () => {},
    delayMs: 1,
  });
  return {
    host,
    binding,
    sent,
    sync,
    hostEdit,
    hostText: () => daoText(host, 'charter').toString(),
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
    refuseNext: (value: boolean) => (refuse = value),
  };
}

test('typing is sent as one splice per burst, and the field keeps what was typed while it is on its way', async () => {
  const { binding, sent, hostText, hold } = setup('Hello');
  const release = hold();
  binding.input('Hello world');
  const first = binding.flush();
  binding.input('Hello world!');
  assert.equal(binding.value, 'Hello world!');
  assert.ok(binding.pending);
  release();
  await first;
  await binding.flush();
  assert.equal(hostText(), 'Hello world!');
  assert.equal(sent.length, 2, 'one splice per burst, one at a time');
  assert.equal(binding.pending, false);
});

test("someone else's edit arriving first moves what was typed, and the cursor, past it", async () => {
  const { binding, hostText, hostEdit, sync } = setup('Meet on Monday.');
  binding.input('Meet on Monday at noon.');
  // Before the burst is sent, another member writes at the start.
  hostEdit([{ at: 0, insert: 'Note: ' }]);
  sync();
  const cursor = 'Meet on Monday at noon'.length;
  binding.replicaChanged({ start: cursor, end: cursor });
  assert.equal(binding.value, 'Note: Meet on Monday at noon.');
  assert.deepEqual(binding.takeSelection(), { start: cursor + 6, end: cursor + 6 });
  await binding.flush();
  assert.equal(hostText(), 'Note: Meet on Monday at noon.');
});

test('a refused edit is taken back with its error, keeping what was typed after it', async () => {
  const { binding, hostText, hold, refuseNext } = setup('abc');
  refuseNext(true);
  const release = hold();
  binding.input('abcX');
  const first = binding.flush();
  binding.input('YabcX');
  release();
  await first;
  refuseNext(false); // only the first edit is refused
  assert.ok(binding.error instanceof DaomeshError);
  assert.equal(binding.value, 'Yabc', 'X was refused; Y, typed meanwhile, stays');
  await binding.flush();
  assert.equal(hostText(), 'Yabc');
});

test('settle waits for an edit on its way and for what was typed after it; clearing after typing empties the text', async () => {
  const { binding, sent, hostText, hold } = setup('Draft');
  const release = hold();
  binding.input('Draft one');
  void binding.flush();
  // Typed while the first edit is on its way, then cleared (as DraftDialog's delete does).
  binding.input('Draft one two');
  binding.input('');
  const settled = binding.settle();
  let done = false;
  void settled.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(done, false, 'settle waits while the host has not taken the first edit');
  release();
  await settled;
  assert.equal(binding.pending, false);
  assert.equal(binding.error, null);
  assert.equal(hostText(), '');
  assert.equal(sent.length, 2, 'the edit on its way, then the clearing');
});

test('settle ends with the error when the host refuses, instead of waiting forever', async () => {
  const { binding, hostText, refuseNext } = setup('Keep me');
  refuseNext(true);
  binding.input('');
  await binding.settle();
  assert.ok(binding.error instanceof DaomeshError);
  assert.equal(hostText(), 'Keep me');
});

test('a text too long to send is not saved, and says so rather than saving, until it is cut down', async () => {
  const { binding, sent, hostText } = setup('Short');
  const long = 'x'.repeat(maxTextChars + 1);
  binding.input(long);
  assert.equal(binding.saveState, 'not-saved', 'before the burst is even sent');
  await binding.flush();
  assert.ok(binding.error instanceof DaomeshError && binding.error.code === 'TEXT_TOO_LONG');
  assert.equal(binding.saveState, 'not-saved');
  assert.equal(binding.value, long, 'the field keeps the text, for its writer to cut down');
  assert.deepEqual(sent, []);
  binding.input('Short, and kept');
  assert.equal(binding.saveState, 'saving');
  await binding.flush();
  assert.equal(binding.saveState, 'saved');
  assert.equal(hostText(), 'Short, and kept');
});

test('an edit the host refused is not saved, not still saving', async () => {
  const { binding, refuseNext } = setup('abc');
  refuseNext(true);
  binding.input('abcd');
  await binding.flush();
  assert.ok(binding.error instanceof DaomeshError);
  assert.equal(binding.saveState, 'not-saved');
});
