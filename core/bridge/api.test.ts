import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64 } from '@scure/base';
import fc from 'fast-check';
import { Base64, isBase64, StateVector } from './api.ts';

test('base64 of any bytes passes the check; the check agrees with the decoder on malformed text', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => isBase64(base64.encode(bytes))));
  for (const text of ['', 'AAAA', 'AAA=', 'AA==', 'AAAAAA==', 'ab+/']) assert.equal(isBase64(text), true, text);
  for (const text of ['A', 'AA', 'AAA', 'A===', '====', 'AA=A', '=AAA', 'AAAA=', 'AAAAA===', 'AA-_', 'AA AA', 'AA\nA', 'AAÀA']) {
    assert.equal(isBase64(text), false, JSON.stringify(text));
    assert.throws(() => base64.decode(text), JSON.stringify(text));
  }
});

test('a large DAO\'s dao.sync answer (tens of megabytes of base64) is checked without overflowing the stack', () => {
  const big = 'QUJD'.repeat(16 * 1024 * 1024 / 4);
  assert.equal(Base64.safeParse(big).success, true);
  assert.equal(Base64.safeParse(`${big}=`).success, false);
  assert.equal(StateVector.safeParse(big).success, false, 'a state vector stays bounded');
});
