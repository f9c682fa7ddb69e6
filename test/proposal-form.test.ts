// The new-proposal form's checks (app/screens/daos/new-proposal/proposal-form.ts): a rules change sets voting and
// grace periods within the bounds the create-DAO wizard takes, and says so in words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxNewDaoPeriodMs } from '../core/bridge/api.ts';
import { rulesView } from '../core/bridge/dao-view.ts';
import { simpleMajority } from '../core/governance/rules.ts';
import { en } from '../app/i18n/resources/en.ts';
import { zhHant } from '../app/i18n/resources/zh-Hant.ts';
import { checkCreateDao, emptyCreateDaoDraft } from '../app/screens/daos/create/create-dao-form.ts';
import { checkProposal, emptyProposalDraft, type RulesDraft } from '../app/screens/daos/new-proposal/proposal-form.ts';
import type { Period } from '../app/time/period.ts';

const day = 24 * 3600 * 1000;
const rules = { ...rulesView(simpleMajority(1)), votingPeriodMs: 3 * day, gracePeriodMs: day };

function rulesChange(change: Partial<RulesDraft>, current = rules) {
  const draft = emptyProposalDraft(current);
  return checkProposal({ ...draft, kind: 'rules.change', title: 'Slower', rules: { ...draft.rules, ...change } }, current);
}

const days = (amount: number | string): Period => ({ amount, unit: 'days' });

test('a rules change takes voting and grace periods of up to 90 days, as the create-DAO wizard does, and no longer', () => {
  assert.equal(maxNewDaoPeriodMs, 90 * day);
  const atBound = rulesChange({ votingPeriod: days(90), gracePeriod: days(90) });
  assert.deepEqual(atBound.problems, {});
  assert.deepEqual(atBound.params, { kind: 'rules.change', rules: { votingPeriodMs: 90 * day, gracePeriodMs: 90 * day } });

  for (const period of [days(91), days(999_999), { amount: 90 * 24 + 1, unit: 'hours' } as const]) {
    const over = rulesChange({ votingPeriod: period, gracePeriod: period });
    assert.deepEqual(over.problems, { rules: { votingPeriod: 'proposal.form.periodTooLong', gracePeriod: 'proposal.form.periodTooLong' } }, JSON.stringify(period));
    assert.equal(over.params, null);
    // The wizard refuses the same.
    const created = checkCreateDao({ ...emptyCreateDaoDraft(), name: 'Club', votingPeriod: period, gracePeriod: period }, null);
    assert.equal(created.problems.votingPeriod, 'dao.create.periodTooLong');
    assert.equal(created.problems.gracePeriod, 'dao.create.periodTooLong');
  }
  // Too short, or no length at all, is another problem than too long.
  assert.deepEqual(rulesChange({ votingPeriod: days(0) }).problems, { rules: { votingPeriod: 'proposal.form.periodTooShort' } });
  assert.deepEqual(rulesChange({ gracePeriod: days('') }).problems, { rules: { gracePeriod: 'proposal.form.periodInvalid' } });
  assert.deepEqual(rulesChange({ gracePeriod: days(0) }).params, { kind: 'rules.change', rules: { gracePeriodMs: 0 } });
});

test('a longer period already in force (the CLI may set up to ten years) stays without a complaint while other rules change', () => {
  const long = { ...rules, votingPeriodMs: 400 * day, gracePeriodMs: 200 * day };
  const checked = rulesChange({ memberCap: 20 }, long);
  assert.deepEqual(checked.problems, {});
  assert.deepEqual(checked.params, { kind: 'rules.change', rules: { memberCap: 20 } });
  assert.deepEqual(rulesChange({ votingPeriod: days(401) }, long).problems, { rules: { votingPeriod: 'proposal.form.periodTooLong' } });
});

test('the message names the bound in words, in both languages', () => {
  assert.equal(en.proposal.form.periodTooLong, `Use at most ${maxNewDaoPeriodMs / day} days, as when a DAO is founded.`);
  assert.match(zhHant.proposal.form.periodTooLong, new RegExp(`最長為 ${maxNewDaoPeriodMs / day} 天`));
});

test('a name or title that shows blank, spans lines, or carries direction controls, is refused in the form as at the host', () => {
  const signal = (title: string) => checkProposal({ ...emptyProposalDraft(rules), kind: 'signal', title }, rules).problems.title;
  const named = (name: string) => checkCreateDao({ ...emptyCreateDaoDraft(), name }, null).problems.name;
  for (const blank of ['\u200b\u200b', ' \u2060 ', '\u200e']) {
    assert.equal(signal(blank), 'proposal.form.titleRequired', JSON.stringify(blank));
    assert.equal(named(blank), 'dao.create.nameRequired', JSON.stringify(blank));
  }
  for (const reversed of ['Pay 0x\u202Eevil', 'a\u2066b\u2069']) {
    assert.equal(signal(reversed), 'proposal.form.titleDirection', JSON.stringify(reversed));
    assert.equal(named(reversed), 'dao.create.nameDirection', JSON.stringify(reversed));
  }
  // One line: a line break would pass a second line off as another entry in a list or a terminal.
  for (const twoLines of ['Garden\nAlice: approved', 'a\tb', 'a\u0085b', 'bell\u0007']) {
    assert.equal(signal(twoLines), 'proposal.form.titleControl', JSON.stringify(twoLines));
    assert.equal(named(twoLines), 'dao.create.nameControl', JSON.stringify(twoLines));
  }
  // Right-to-left scripts, emoji, and the direction marks a mixed-script name may need are text like any other.
  for (const fine of ['العربية', 'עברית', '👍 Garden', 'עברית\u200F 2', 'Garden\u200E']) {
    assert.equal(signal(fine), undefined);
    assert.equal(named(fine), undefined);
  }
});

test("a new member's shares start at 100, as founders' and the CLI's do, not at 1 (about 1% of a founder's claim)", () => {
  assert.equal(emptyProposalDraft(rules).shares, 100);
});
