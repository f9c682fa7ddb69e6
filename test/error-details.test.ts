// Errors whose message carries English details (a bad invite, a failed join) come with a detail code, and the
// UI words the whole sentence in the user's language: in zh-Hant nothing English is left but names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import i18next from 'i18next';
import { errorFromHost } from '../app/bridge/bridge-error.ts';
import { describeError } from '../app/i18n/describe-error.ts';
import { en } from '../app/i18n/resources/en.ts';
import { zhHant } from '../app/i18n/resources/zh-Hant.ts';
import { DaomeshError, errorDetails } from '../core/errors.ts';
import { parseInviteCode } from '../core/sync/invite.ts';

async function translator(language: 'en' | 'zh-Hant') {
  const instance = i18next.createInstance();
  await instance.init({ lng: language, resources: { en: { translation: en }, 'zh-Hant': { translation: zhHant } }, interpolation: { escapeValue: false } });
  return instance.t;
}

/** Latin words left in a sentence, besides the product's own name and the code prefix it quotes. */
function englishIn(sentence: string): string[] {
  return (sentence.replace(/DAOmesh|daomesh-invite:|DAO/g, '').match(/[A-Za-z]{2,}/g) ?? []);
}

test('every detail code is worded in both locales', () => {
  for (const detail of errorDetails) {
    assert.ok(en.errorDetails[detail], `en: ${detail}`);
    assert.ok(zhHant.errorDetails[detail], `zh-Hant: ${detail}`);
  }
});

test('a bad invite and a failed join read in zh-Hant with no English details inside', async () => {
  const zh = await translator('zh-Hant');
  const english = await translator('en');
  const verify = () => true;
  const invalid = [() => parseInviteCode('hello', verify), () => parseInviteCode('daomesh-invite:%%%', verify), () => parseInviteCode('daomesh-invite:AAAA', verify)];
  for (const attempt of invalid) {
    const error = (() => {
      try {
        attempt();
      } catch (thrown) {
        return thrown;
      }
      throw new Error('no error');
    })();
    assert.ok(error instanceof DaomeshError && error.detail !== undefined);
    // As the UI gets it: through the bridge's JSON.
    const received = errorFromHost(JSON.parse(JSON.stringify(error)));
    assert.equal(received.detail, error.detail);
    const sentence = describeError(zh, received);
    assert.match(sentence, /^這個邀請碼無效：/);
    assert.deepEqual(englishIn(sentence), [], sentence);
    assert.match(describeError(english, received), /^That invite code is not valid: /);
  }
  const unreachable = new DaomeshError('SYNC_FAILED', "Could not reach the inviter's node: connection refused", 'Check that it is running.', 'inviter-unreachable');
  const sentence = describeError(zh, errorFromHost(unreachable.toJSON()));
  assert.match(sentence, /^無法連上這個 DAO：/);
  assert.deepEqual(englishIn(sentence), [], sentence);
  // Without a detail (an older host), the message is shown as before.
  assert.match(describeError(zh, new DaomeshError('SYNC_FAILED', 'boom')), /boom/);
});

test("a write the fold would not count reads in zh-Hant with the fold's reason translated", async () => {
  const zh = await translator('zh-Hant');
  const english = await translator('en');
  const late = new DaomeshError('RECORD_REJECTED', 'The DAO would not count this vote: vote after the voting period.');
  assert.equal(describeError(zh, late), '這個 DAO 不會採計這筆紀錄，所以沒有寫入（在投票期結束後才投票）。');
  assert.equal(describeError(english, late), 'The DAO would not count this vote: vote after the voting period. Nothing was written.');
  const capped = new DaomeshError('RECORD_REJECTED', 'The DAO would not count this proposal: member cap reached (4).');
  assert.deepEqual(englishIn(describeError(zh, capped)), []);
  // A reason this version does not know, and a message of another shape, show as the host gave them.
  assert.match(describeError(zh, new DaomeshError('RECORD_REJECTED', 'The DAO would not count this vote: a reason from the future.')), /a reason from the future/);
  assert.match(describeError(zh, new DaomeshError('RECORD_REJECTED', 'The proposal is withdrawn already.')), /The proposal is withdrawn already\./);
});
