import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError } from './errors.ts';

test('a message and its hint read as two sentences, also when the message ends on a value', () => {
  assert.equal(formatError({ code: 'INVALID_MULTIADDR', message: 'Not a multiaddr: garbage', hint: 'Use the form /ip4/127.0.0.1/tcp/4001.' }), 'Not a multiaddr: garbage. Use the form /ip4/127.0.0.1/tcp/4001.');
  assert.equal(formatError({ code: 'NODE_NOT_RUNNING', message: 'Cannot reach it (ECONNREFUSED).', hint: 'Is it running?' }), 'Cannot reach it (ECONNREFUSED). Is it running?');
  assert.equal(formatError({ code: 'BAD_REQUEST', message: '--data takes a directory, not "".', hint: 'Name it.' }), '--data takes a directory, not "". Name it.');
  assert.equal(formatError({ code: 'BAD_REQUEST', message: 'Ended with a question?', hint: 'Yes.' }), 'Ended with a question? Yes.');
  assert.equal(formatError({ code: 'BAD_REQUEST', message: 'No hint here' }), 'No hint here');
});
