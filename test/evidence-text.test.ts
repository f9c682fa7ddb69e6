// The evidence list in the reader's language: every reason the fold gives and every record kind has words in both
// languages (a reason added to core without them fails here), the details after a reason's colon are kept as the
// fold gave them, and what a newer peer sends that this version does not know shows as it came.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import i18next from 'i18next';
import { en } from '../app/i18n/resources/en.ts';
import { zhHant } from '../app/i18n/resources/zh-Hant.ts';
import { evidenceReason, evidenceReasonText, reasonLabel, recordKindLabel, recordKindText } from '../app/screens/daos/home/evidence-text.ts';
import { recordKinds } from '../core/governance/record-kinds.ts';
import { reasons } from '../core/governance/reasons.ts';

async function translator(language: 'en' | 'zh-Hant') {
  const instance = i18next.createInstance();
  await instance.init({ lng: language, resources: { en: { translation: en }, 'zh-Hant': { translation: zhHant } }, interpolation: { escapeValue: false } });
  return instance.t;
}

/** Latin words left in a sentence, besides the product's own name. */
function englishIn(sentence: string): string[] {
  return sentence.replace(/DAO/g, '').match(/[A-Za-z]{2,}/g) ?? [];
}

test('every reason in core/governance/reasons.ts is worded in both languages, and found by its own words', async () => {
  const zh = await translator('zh-Hant');
  const english = await translator('en');
  for (const [name, text] of Object.entries(reasons)) {
    const key = (reasonLabel as Record<string, string>)[name];
    assert.ok(key, `a key for ${name}`);
    const leaf = key.split('.').at(-1)!;
    assert.ok((en.dao.evidence.reasons as Record<string, string>)[leaf], `en: ${name}`);
    assert.ok((zhHant.dao.evidence.reasons as Record<string, string>)[leaf], `zh-Hant: ${name}`);
    assert.deepEqual(evidenceReason(text), { name, detail: null });
    const worded = evidenceReasonText(zh, text);
    assert.deepEqual(englishIn(worded), [], `zh-Hant for "${text}": ${worded}`);
    // The English words stay core's, typographic apostrophes aside.
    assert.equal(evidenceReasonText(english, text).replaceAll('’', "'"), text);
  }
});

test('every record kind has a label in both languages; a kind of a newer version shows as its name', async () => {
  const zh = await translator('zh-Hant');
  const english = await translator('en');
  for (const kind of recordKinds) {
    const leaf = recordKindLabel[kind].split('.').at(-1)!;
    assert.ok((en.dao.evidence.recordKinds as Record<string, string>)[leaf], `en: ${kind}`);
    assert.ok((zhHant.dao.evidence.recordKinds as Record<string, string>)[leaf], `zh-Hant: ${kind}`);
    assert.deepEqual(englishIn(recordKindText(zh, kind)), [], kind);
    assert.notEqual(recordKindText(english, kind), kind, `${kind} reads as words`);
  }
  assert.equal(recordKindText(zh, 'vote'), '投票');
  assert.equal(recordKindText(zh, 'tally.sign'), '簽署計票結果');
  assert.equal(recordKindText(zh, 'bounty.claim'), 'bounty.claim');
});

test('a reason with details is worded up to its colon and keeps the details as the fold gave them', async () => {
  const zh = await translator('zh-Hant');
  const english = await translator('en');
  assert.equal(evidenceReasonText(zh, `${reasons.invalidParams}: shares: Too big: expected number to be <=1000000000000`), '提案參數無效：shares: Too big: expected number to be <=1000000000000');
  assert.equal(evidenceReasonText(zh, `${reasons.malformed}: choice: Invalid option`), '內容格式錯誤：choice: Invalid option');
  assert.equal(evidenceReasonText(zh, `${reasons.unknownProposalKind}: bounty.create`), '未知的提案類型：bounty.create');
  assert.equal(evidenceReasonText(zh, `${reasons.badGenesis}: a founder is listed twice`), '成立紀錄無效：a founder is listed twice');
  assert.equal(
    evidenceReasonText(zh, `${reasons.authorLeft}: the proposal was ${reasons.concurrentWithRagequit}`),
    `提案人在提案有結果前就離開了 DAO：the proposal was ${reasons.concurrentWithRagequit}`,
  );
  assert.equal(evidenceReasonText(english, `${reasons.invalidParams}: member: expected 20 bytes`), 'invalid params: member: expected 20 bytes');
  // Reasons whose own words hold a colon are matched whole, not cut at it.
  assert.deepEqual(evidenceReason(reasons.equivocation), { name: 'equivocation', detail: null });
  assert.deepEqual(evidenceReason(reasons.beingRemoved), { name: 'beingRemoved', detail: null });
  assert.equal(evidenceReasonText(zh, reasons.concurrentRagequit), '第二次憤怒退出：簽署者同時做出的較早那一次才算數');
});

test('a proposal refused for what its kind checks reads in the reader\'s language; an unknown reason shows as it came', async () => {
  const zh = await translator('zh-Hant');
  assert.equal(evidenceReasonText(zh, 'already a member'), '對方已經是成員');
  assert.equal(evidenceReasonText(zh, 'member cap reached (4)'), '成員人數已達上限（4 位）');
  for (const unknown of ['a reason from a newer version', 'invalid paramsX: detail', 'proposal withdrawn: ', 'member cap reached (four)']) {
    assert.equal(evidenceReason(unknown), null, unknown);
    assert.equal(evidenceReasonText(zh, unknown), unknown);
  }
});
