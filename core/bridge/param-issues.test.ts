import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeMethods, type BridgeMethod } from './api.ts';
import { dispatchBridgeCall, type BridgeHandlers } from './dispatch.ts';
import { describeParamIssues } from './param-issues.ts';

function refusal(method: BridgeMethod, params: unknown): string {
  const parsed = bridgeMethods[method].params.safeParse(params);
  assert.ok(!parsed.success, `${method} takes ${JSON.stringify(params)}`);
  return describeParamIssues(parsed.error.issues);
}

const dao = 'A'.repeat(43);
const address = `0x${'a'.repeat(40)}`;

test('refused parameters are said in words: the field, and what it takes', () => {
  const cases: [BridgeMethod, unknown, string][] = [
    ['dao.create', { name: '   ', preset: 'simple-majority' }, 'name must not be empty'],
    ['dao.create', { name: 'x'.repeat(81), preset: 'simple-majority' }, 'name must have at most 80 characters'],
    ['dao.create', { name: 'ok', preset: 'nope' }, 'preset must be simple-majority, supermajority, quadratic, reputation-weighted or lazy-consensus'],
    ['dao.create', { name: 'ok', preset: 'quadratic', founders: ['0x12'], extra: 1 }, 'founders[0] must be an Ethereum address (0x and 40 hex digits); unknown field extra'],
    ['dao.create', { preset: 'quadratic', memberCap: 1 }, 'name is missing; memberCap must be at least 2'],
    ['dao.propose', { dao, title: 't', params: { kind: 'member.add', member: address, shares: -1 } }, 'params.shares must be at least 0'],
    ['dao.propose', { dao, title: 't', params: { kind: 'nope' } }, 'params.kind must be member.add, member.remove, rules.change, reputation.grant or signal'],
    ['dao.propose', { dao, title: 't', params: { kind: 'signal', text: 'x'.repeat(2001) } }, 'params.text must have at most 2,000 characters'],
    ['dao.editText', { dao, text: 'charter', ops: [] }, 'ops must not be empty'],
    ['dao.editText', { dao, text: 'charter', ops: Array.from({ length: 2 }, () => ({ at: 0, insert: 'x'.repeat(10_001) })) }, 'ops must be edits inserting at most 20,000 characters in all'],
    ['identity.create', { passphrase: 'short' }, 'passphrase must have at least 8 characters'],
    ['dao.create', { name: '\u200b\u200b', preset: 'quadratic' }, 'name must be text with something visible in it'],
    ...['\u3164', '\u115F\u1160', '\u2800', '\u0301', '\u034F', '\uFFA0', '\u200E\u0300'].map(
      (blank): [BridgeMethod, unknown, string] => ['dao.create', { name: blank, preset: 'quadratic' }, 'name must be text with something visible in it'],
    ),
    ['dao.propose', { dao, title: 'Pay 0x\u202Eevil', params: { kind: 'signal', text: '' } }, 'title must be text without direction controls (U+202A-U+202E, U+2066-U+2069)'],
    ...['Garden\nAlice: approved', 'a\tb', 'a\u0085b'].map(
      (twoLines): [BridgeMethod, unknown, string] => ['dao.propose', { dao, title: twoLines, params: { kind: 'signal', text: '' } }, 'title must be text on one line, without line breaks, tabs or other control characters'],
    ),
    ['dao.get', 5, 'the request must be an object'],
  ];
  for (const [method, params, expected] of cases) assert.equal(refusal(method, params), expected);
});

test('a refusal lists the first four issues and counts the rest', () => {
  const described = refusal('dao.create', { name: '', preset: 'x', founders: 'y', memberCap: 'z', votingPeriodMs: -1, a: 1 });
  assert.match(described, /^name must not be empty; preset must be [^;]+; founders must be an array; memberCap must be a number; and 2 more$/);
});

test('the host refuses with the described issues, ending in a full stop', async () => {
  await assert.rejects(dispatchBridgeCall({} as BridgeHandlers, 'dao.create', { name: '', preset: 'quadratic' }), {
    code: 'BAD_REQUEST',
    message: 'Refused: name must not be empty.',
  });
});
