// The rules as the UI words them: a threshold is "more than" its share, except 100%, which the tally reads as
// unanimity (all of yes and no), and which read "more than 100%" (impossible) before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import i18next from 'i18next';
import { rulesView } from '../core/bridge/dao-view.ts';
import { simpleMajority } from '../core/governance/rules.ts';
import { en } from '../app/i18n/resources/en.ts';
import { zhHant } from '../app/i18n/resources/zh-Hant.ts';
import { ruleRows } from '../app/screens/daos/rule-rows.ts';
import { describeVotingMode } from '../app/screens/daos/voting-mode-text.ts';

async function translator(language: string) {
  const instance = i18next.createInstance();
  await instance.init({ lng: language, resources: { en: { translation: en }, 'zh-Hant': { translation: zhHant } }, interpolation: { escapeValue: false } });
  return instance.t;
}

test('a threshold reads "more than" its share, and 100% reads as all of the yes and no votes', async () => {
  const t = await translator('en');
  const rules = rulesView(simpleMajority(1));
  const row = (thresholdBps: number) => ruleRows(t, { ...rules, thresholdBps }, 'en').find((entry) => entry.testId === 'rule-threshold')!.value;
  assert.equal(row(5000), 'Of the yes and no votes, more than 50% are yes');
  assert.equal(row(10_000), 'Of the yes and no votes, all are yes');
  const line = (thresholdBps: number) => describeVotingMode(t, { votingMode: 'majority', quorumBps: 5000, thresholdBps, objectionBps: 0, creditsPerEpoch: 0, epochMs: 0 }, 'en');
  assert.match(line(6666), /passes when more than 66\.66% of yes and no are yes$/);
  assert.match(line(10_000), /passes when all of yes and no are yes$/);

  const zh = await translator('zh-Hant');
  const zhRow = ruleRows(zh, { ...rules, thresholdBps: 10_000 }, 'zh-Hant').find((entry) => entry.testId === 'rule-threshold')!.value;
  assert.equal(zhRow, '贊成票在贊成與反對票中佔全部');
  assert.doesNotMatch(zhRow, /超過/);
});
