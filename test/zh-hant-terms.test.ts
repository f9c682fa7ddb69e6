// One word for one thing in zh-Hant: a member reading 聲望 on one screen and 聲譽 on the next would take them for two
// things. The glossary names the word each term takes and the synonyms it must not appear as.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zhHant } from '../app/i18n/resources/zh-Hant.ts';

const glossary: Array<{ term: string; word: string; notAs: string[] }> = [{ term: 'reputation', word: '聲望', notAs: ['聲譽', '名聲', '信譽'] }];

function strings(value: unknown, path: string): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => strings(inner, path ? `${path}.${key}` : key));
}

test('zh-Hant words each glossary term one way throughout', () => {
  const all = strings(zhHant, '');
  for (const { term, word, notAs } of glossary) {
    assert.ok(all.some(([, text]) => text.includes(word)), `${word} (${term}) is used`);
    const stray = all.filter(([, text]) => notAs.some((synonym) => text.includes(synonym)));
    assert.deepEqual(stray, [], `${term} is ${word}, not ${notAs.join(' or ')}`);
  }
});
