import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64 } from '@scure/base';
import fc from 'fast-check';
import { z } from 'zod';
import { Base64, bridgeMethods, isBase64, NodeStatus, StateVector } from './api.ts';
import { dispatchBridgeCall, type BridgeHandlers } from './dispatch.ts';
import { maxCharterLength } from '../dao/text-limits.ts';
import { genesisBodySchema } from '../governance/record-kinds.ts';

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

const dao = 'A'.repeat(43);
const member = `0x${'1'.repeat(40)}`;

/** Calls with `text` in each kind of field that ends up in a record or a Y.Text, and the field's path. */
function callsWith(text: string) {
  const words = `Club ${text} news`;
  return [
    { method: 'dao.create', params: { name: words, preset: 'simple-majority' }, field: 'name' },
    { method: 'dao.create', params: { name: 'Club', charter: words, preset: 'simple-majority' }, field: 'charter' },
    { method: 'dao.propose', params: { dao, title: words, params: { kind: 'member.add', member, shares: 1 } }, field: 'title' },
    { method: 'dao.propose', params: { dao, title: 'Say', params: { kind: 'signal', text: words } }, field: 'params.text' },
    { method: 'dao.editText', params: { dao, text: 'charter', ops: [{ at: 0, insert: 'ok' }, { at: 0, insert: text }] }, field: 'ops[1].insert' },
  ] as const;
}

test('text with a lone UTF-16 surrogate is refused at the bridge, naming the field', async () => {
  const handlers = new Proxy({} as BridgeHandlers, { get: () => () => assert.fail('a handler ran for a refused call') });
  for (const half of ['\ud83c', '\udf89', '\udf89\ud83c']) {
    for (const { method, params, field } of callsWith(half)) {
      await assert.rejects(dispatchBridgeCall(handlers, method, params), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'BAD_REQUEST', method);
        assert.ok(error.message.includes(`${field} must be well-formed Unicode text, without a lone UTF-16 surrogate`), `${method}: ${error.message}`);
        return true;
      });
    }
  }
});

test('text with whole astral characters (emoji) passes the bridge as it is', async () => {
  const received: unknown[] = [];
  const handlers = new Proxy({} as BridgeHandlers, { get: () => (params: unknown) => void received.push(params) });
  const calls = callsWith('\ud83c\udf89 𝔘𝔫𝔦');
  for (const { method, params } of calls) await dispatchBridgeCall(handlers, method, params);
  assert.equal(received.length, calls.length);
  for (const [index, params] of received.entries()) assert.ok(JSON.stringify(params).includes('🎉 𝔘𝔫𝔦'), calls[index]!.field);
});

/** Every string schema in `schema`, found through the wrappers and containers the bridge's params use. */
function stringsIn(schema: z.ZodType, path: string, found: Array<{ path: string; schema: z.ZodType }>): void {
  if (schema instanceof z.ZodString) found.push({ path, schema });
  else if (schema instanceof z.ZodObject) for (const [key, field] of Object.entries(schema.shape)) stringsIn(field as z.ZodType, `${path}.${key}`, found);
  else if (schema instanceof z.ZodArray) stringsIn(schema.element as z.ZodType, `${path}[]`, found);
  else if (schema instanceof z.ZodUnion) schema.options.forEach((option, index) => stringsIn(option as z.ZodType, `${path}|${index}`, found));
  else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) stringsIn(schema.unwrap() as z.ZodType, path, found);
  else if (schema instanceof z.ZodRecord) stringsIn(schema.valueType as z.ZodType, `${path}{}`, found);
  else if (!(schema instanceof z.ZodEnum || schema instanceof z.ZodLiteral || schema instanceof z.ZodNumber || schema instanceof z.ZodBoolean)) {
    assert.fail(`${path}: a ${schema.def.type} schema this walk does not look into; teach it, so that no string field goes unchecked`);
  }
}

test('every string a bridge method takes refuses a lone surrogate, so a new field cannot forget to', () => {
  const found: Array<{ path: string; schema: z.ZodType }> = [];
  for (const [method, { params }] of Object.entries(bridgeMethods)) stringsIn(params, method, found);
  // Text no id, address, base64 or text-name pattern takes, long enough for every free-text field's minimum.
  const text = (middle: string) => `Club ${middle}${'a'.repeat(20)}.`;
  const freeText = found.filter(({ schema }) => schema.safeParse(text('')).success);
  const paths = freeText.map(({ path }) => path);
  // The walk reaches text inside arrays and unions too.
  for (const path of ['dao.create.name', 'dao.propose.title', 'dao.propose.params|4.text', 'dao.editText.ops[].insert']) assert.ok(paths.includes(path), path);
  for (const { path, schema } of found) assert.equal(schema.safeParse(text('\ud800')).success, false, path);
  for (const { path, schema } of freeText) assert.equal(schema.safeParse(text('🎉')).success, true, path);
});

test('a founding charter the genesis record could not hold is refused at the bridge, naming the field; one that fits passes', () => {
  const create = bridgeMethods['dao.create'].params;
  assert.equal(create.safeParse({ name: 'Club', charter: 'c'.repeat(maxCharterLength), preset: 'simple-majority' }).success, true);
  const tooLong = create.safeParse({ name: 'Club', charter: 'c'.repeat(maxCharterLength + 1), preset: 'simple-majority' });
  assert.equal(tooLong.success, false);
  assert.deepEqual(tooLong.error?.issues[0]?.path, ['charter']);
  // What the bridge takes the genesis schema takes: no "That DAO genesis is not valid" after the form said yes.
  assert.equal(genesisBodySchema.shape.charter.safeParse('c'.repeat(maxCharterLength)).success, true);
});

test('an address a caller sends in mixed case must carry a right EIP-55 checksum; one case alone carries none', () => {
  const admit = (member: string) => bridgeMethods['dao.propose'].params.safeParse({ dao: 'A'.repeat(43), title: 'Admit', params: { kind: 'member.add', member, shares: 1 } }).success;
  assert.equal(admit('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'), true);
  assert.equal(admit('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'), true);
  assert.equal(admit('0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED'), true);
  assert.equal(admit('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'), false, 'one letter in the wrong case');
  assert.equal(admit('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAee'), false, 'one digit wrong');
  // Mixed case of the right length with a letter that is no hex digit: refused as no address, not thrown.
  assert.equal(admit('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeG'), false);
  const founders = (founder: string) => bridgeMethods['dao.create'].params.safeParse({ name: 'N', preset: 'simple-majority', founders: [founder] }).success;
  assert.equal(founders('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'), true);
  assert.equal(founders('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAee'), false);
});

test('a node status from a node of an earlier version, without backupPending, reads as no backup pending', () => {
  const old = { version: '0.1.0', identity: 'unlocked', address: member, peerId: '12D3KooW', listen: [], peers: [], mdns: true };
  assert.equal(NodeStatus.parse(old).backupPending, false);
  assert.equal(NodeStatus.parse({ ...old, backupPending: true }).backupPending, true);
  assert.equal(bridgeMethods['identity.confirmBackup'].params.safeParse({}).success, true);
  assert.equal(bridgeMethods['identity.confirmBackup'].params.safeParse({ passphrase: 'a long enough passphrase' }).success, false, 'nothing else is taken');
});
