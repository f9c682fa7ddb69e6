import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from './duration.ts';

test('durations print in the units the options take, largest first', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1500), '1s 500ms');
  assert.equal(formatDuration(90 * 60_000), '1h 30m');
  assert.equal(formatDuration(3 * 86_400_000), '3d');
  assert.equal(formatDuration(2_592_000_000), '30d');
});

test('each part of a printed duration reads back, and the parts add up to it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
      const parts = formatDuration(ms).split(' ');
      assert.equal(parts.reduce((sum, part) => sum + parseDuration(part), 0), ms);
    }),
  );
});

test('a printed duration reads back whole, as typed by hand too', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => assert.equal(parseDuration(formatDuration(ms)), ms)));
  assert.equal(parseDuration(' 1d12h '), 1.5 * 86_400_000);
  assert.equal(parseDuration('1.5h'), 90 * 60_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('0'), 0);
  for (const text of ['', 'h', '1x', '1h 30', '30 m', '1h,30m', '-1s', 'soon', '1h 1h', '30m 1h', '1s 1d']) assert.throws(() => parseDuration(text), /^DaomeshError: Not a duration/, text);
});

test('a number without a unit is refused, not read as milliseconds, and the refusal asks which unit was meant', () => {
  for (const text of ['2', '250', ' 1.5 ']) {
    assert.throws(() => parseDuration(text), (error: unknown) => {
      assert.ok(error instanceof Error && 'hint' in error);
      assert.match(error.message, /^A duration needs its unit: /);
      assert.match(String(error.hint), new RegExp(`^Say which you mean: ${text.trim().replace('.', '\\.')}s, `));
      return true;
    }, text);
  }
});
