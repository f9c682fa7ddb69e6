// Why a proposal could not take effect, or could not be made, in the reader's language. The sentences are made by
// core's own functions here, so a sentence core rewords without the UI following fails this test instead of
// quietly showing English in zh-Hant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import i18next from 'i18next';
import { en } from '../app/i18n/resources/en.ts';
import { zhHant } from '../app/i18n/resources/zh-Hant.ts';
import { proposalProblem, proposalProblemText } from '../app/screens/daos/proposal-problem-text.ts';
import { admitMember, exitMember, genesisState, replaceRules, type GovernanceState, type Transition } from '../core/governance/governance-state.ts';
import { memberAdd, memberRemove, reputationGrant, rulesChange } from '../core/governance/proposal-kinds.ts';
import { grantReputation, maxReputationTotal } from '../core/governance/reputation.ts';
import { applyRulesChange, lazyConsensus, rulesProblem, simpleMajority } from '../core/governance/rules.ts';
import { actor } from '../core/governance/test-dao.ts';
import { inBridgeTerms } from '../core/bridge/mode-names.ts';

async function translator(language: 'en' | 'zh-Hant') {
  const instance = i18next.createInstance();
  await instance.init({ lng: language, resources: { en: { translation: en }, 'zh-Hant': { translation: zhHant } }, interpolation: { escapeValue: false } });
  return instance.t;
}

const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((name) => actor(name).key.address) as [string, string, string, string];

/** Three members, room for three. */
function fullDao(): GovernanceState {
  return genesisState([alice, bob, carol], { ...simpleMajority(3), memberCap: 3 }, 0);
}

function failure(transition: Transition): string {
  assert.ok('failed' in transition, 'the transition fails');
  return transition.failed;
}

function problem(found: { ok: true } | { ok: false; problem: string } | string | null): string {
  if (typeof found === 'string') return found;
  assert.ok(found && !found.ok, 'there is a problem');
  return found.problem;
}

/** Every sentence core can give as a proposal's failure or as the reason a proposal was refused, and its words in zh-Hant. */
function coreSentences(): Array<[sentence: string, zh: string, en?: string]> {
  const state = fullDao();
  const sevenMembers = { ...simpleMajority(7), signatureThreshold: 3 };
  return [
    [failure(admitMember(state, bob, 1n, 0)), '對方已經是成員'],
    [failure(admitMember(state, dave, 1n, 0)), '成員人數已達上限（3 位）'],
    [problem(memberAdd.check({ member: dave, shares: 1n }, state)), '成員人數已達上限（3 位）'],
    [failure(exitMember(state, dave, 'removed', 'x', 0)), '對方不是成員'],
    [problem(memberRemove.check({ member: dave }, state)), '對方不是成員'],
    [problem(reputationGrant.check({ member: dave, points: 1n }, state)), '對方不是成員'],
    [failure(replaceRules(state, { ...state.rules, memberCap: 2 })), '新的成員上限（2 位）低於現有的 3 位成員'],
    [problem(rulesChange.check({ change: { memberCap: 2 } }, state)), '成員上限（2 位）低於現有的 3 位成員'],
    [problem(rulesProblem(sevenMembers, 7)), '需要 3 位成員簽署，未超過 7 位成員的半數'],
    [problem(rulesProblem({ ...sevenMembers, signatureThreshold: 9 }, 7)), '需要 9 位成員簽署，多於現有的 7 位成員'],
    [failure(grantReputation(state, alice, 0n, 0, 'x')), '授予的聲望點數必須大於零'],
    [failure(grantReputation(state, alice, maxReputationTotal + 1n, 0, 'x')), `成員持有的聲望將超過 ${maxReputationTotal} 點`],
    // The rule and the mode in the words the forms use for them, whether the mode comes by the fold's name or
    // the bridge's (dao-view gives the bridge's).
    [problem(applyRulesChange(lazyConsensus(3), { voting: { quorumBps: 2000 } })), '「法定人數（須參與投票的成員比例）」不適用於目前的投票方式（默許共識）', '“Quorum (share of members who must vote)” does not apply to the voting mode in force (Lazy consensus)'],
    [inBridgeTerms(problem(applyRulesChange(simpleMajority(3), { voting: { objectionBps: 2000 } }))), '「否決所需的反對比例（占成員）」不適用於目前的投票方式（一人一票）', '“Objections that reject (share of members)” does not apply to the voting mode in force (One member, one vote)'],
  ];
}

test('each sentence core gives for a proposal that could not take effect or be made reads in zh-Hant, numbers kept', async () => {
  const zh = await translator('zh-Hant');
  const english = await translator('en');
  for (const [sentence, words, inEnglish] of coreSentences()) {
    assert.ok(proposalProblem(sentence), `a pattern for "${sentence}"`);
    assert.equal(proposalProblemText(zh, sentence), words);
    assert.equal(proposalProblemText(english, sentence), inEnglish ?? sentence, 'in English, core\'s own words where they name no rule');
  }
});

test('the member cap\'s number is passed on, not part of the key', () => {
  assert.deepEqual(proposalProblem('member cap reached (15)'), { key: 'proposal.problems.memberCapReached', values: { cap: '15' } });
});

test('a sentence this version does not know shows as it came', async () => {
  const zh = await translator('zh-Hant');
  for (const sentence of ['the bounty is already paid', 'member cap reached', 'already a member, twice', '']) {
    assert.equal(proposalProblem(sentence), null, sentence);
    assert.equal(proposalProblemText(zh, sentence), sentence);
  }
});
