// Where the UI's replica folds its DAO: in a Web Worker (app/daos/fold-client.ts), so that a large DAO never
// freezes the page; in the page when no worker starts. The worker's side of the messages on its own (it
// answers malformed requests, never throws), then both ways in Debian's Chromium against a real host.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { daoSummary, daoView } from '../core/bridge/dao-view.ts';
import { simpleMajority } from '../core/governance/rules.ts';
import { actor, Scenario } from '../core/governance/test-dao.ts';
import { FoldServer, type FoldReply } from '../app/daos/fold-protocol.ts';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, runCli, runCliJson, startCliNode, type RunningNode } from './fixtures/cli.ts';

test('the fold worker folds what it is given and answers views at the time asked, the same as the core functions', () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const scenario = new Scenario([alice, bob], simpleMajority(2));
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Fold elsewhere' });
  scenario.vote(bob, proposal, 'yes');
  const server = new FoldServer();
  assert.equal(server.handle({ type: 'open', dao: scenario.daoId, me: bob.key.address }), null);

  // Before the genesis record: nothing to show yet.
  assert.deepEqual(server.handle({ type: 'views', id: 1, now: scenario.now }), { type: 'views', id: 1, views: { view: null, summary: null, skipped: 0 } });
  const entries = scenario.records.map((record) => [record.id, record.bytes]);
  const [first, ...rest] = entries;
  // Newest first and in two batches, with junk the fold skips and counts.
  assert.equal(server.handle({ type: 'add', entries: [...rest].reverse() }), null);
  assert.equal(server.handle({ type: 'add', entries: [first, ['A'.repeat(43), new Uint8Array([1, 2])], ['B'.repeat(43), 'not bytes']] }), null);

  const state = scenario.ledger.state(scenario.now);
  const answer = server.handle({ type: 'views', id: 2, now: scenario.now });
  assert.deepEqual(answer, { type: 'views', id: 2, views: { view: daoView(state, bob.key.address, scenario.now), summary: daoSummary(state, bob.key.address), skipped: 2 } });
  const view = (answer as Extract<FoldReply, { type: 'views' }>).views.view!;
  assert.equal(view.proposals[0]?.myVote?.choice, 'yes', 'the member looking is the one the fold was opened for');
  // Later, the same fold answers for the later time: the vote's period is over.
  const later = scenario.now + 10 * 24 * 3600_000;
  const laterAnswer = server.handle({ type: 'views', id: 3, now: later }) as Extract<FoldReply, { type: 'views' }>;
  assert.deepEqual(laterAnswer.views.view, daoView(scenario.ledger.state(later), bob.key.address, later));
});

test('the fold worker answers requests it cannot take with a reason, and goes on', () => {
  const server = new FoldServer();
  const failed = (reply: FoldReply | null, id: number | null, reason: RegExp): void => {
    assert.equal(reply?.type, 'failed');
    assert.equal(reply.id, id);
    assert.match(reply.message, reason);
  };
  failed(server.handle({ type: 'views', id: 7, now: 0 }), 7, /not opened/);
  failed(server.handle({ type: 'add', entries: [] }), null, /not opened/);
  for (const junk of [null, 42, 'views', [], { type: 'nope' }, { type: 'views', id: -1, now: 0 }, { type: 'open', dao: 'not a dao', me: null }, { type: 'add', entries: [[1, 2]] }, { type: 'add', entries: 'x' }]) {
    failed(server.handle(junk), null, /Not a fold request/);
  }
  failed(server.handle({ type: 'views', id: 9, now: 'soon' }), 9, /Not a fold request/);
  failed(server.handle({ type: 'views', id: 8, now: Number.NaN }), 8, /Not a fold request/);

  const scenario = new Scenario([actor('carol')], simpleMajority(1));
  assert.equal(server.handle({ type: 'open', dao: scenario.daoId, me: null }), null);
  failed(server.handle({ type: 'open', dao: scenario.daoId, me: null }), null, /open already/);
  assert.equal(server.handle({ type: 'add', entries: scenario.records.map((record) => [record.id, record.bytes]) }), null);
  const reply = server.handle({ type: 'views', id: 10, now: scenario.now });
  assert.equal(reply?.type, 'views');
  assert.equal(reply.views.summary?.members, 1);
  assert.equal(reply.views.view?.isMember, false, 'no member is looking');
});

let node: RunningNode;
let browser: Browser;
let dao: string;

before(async () => {
  node = await startCliNode({ args: ['--ui'] });
  const created = await runCli(['--data', node.dataDir, 'identity', 'create', '--json'], { env: { DAOMESH_PASSPHRASE: 'a long enough passphrase' } });
  assert.equal(created.code, 0, created.stderr);
  ({ dao } = await runCliJson<{ dao: string }>(['--data', node.dataDir, 'dao', 'create', '--name', 'Worker Club', '--charter', 'We fold elsewhere.']));
  await runCliJson(['--data', node.dataDir, 'proposal', 'create', dao, '--title', 'Fold in a worker', '--text', 'Keep the page quick.']);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

/** A fresh browser profile on the DAO's home screen; `blockWorker` makes the fold worker's script fail to load. */
async function openDaoHome(blockWorker: boolean): Promise<{ context: BrowserContext; page: Page; warnings: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  if (blockWorker) await context.route(/fold-worker-[^/]*\.js$/, (route) => route.abort());
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  await page.getByTestId('nav-daos').click();
  await page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).click();
  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  return { context, page, warnings };
}

test('the UI folds its replica in a Web Worker', async () => {
  const { context, page } = await openDaoHome(false);
  try {
    assert.equal(await page.getByTestId('dao-title').textContent(), 'Worker Club');
    assert.equal(await page.getByTestId('proposal-row').count(), 1);
    const folds = page.workers().filter((worker) => /fold-worker-[^/]*\.js$/.test(worker.url()));
    assert.equal(folds.length, 1, `one fold worker for the one DAO open, got ${page.workers().map((worker) => worker.url()).join(', ')}`);
  } finally {
    await context.close();
  }
});

test('where the fold worker cannot start, the page folds the replica itself and shows the same DAO', async () => {
  const { context, page, warnings } = await openDaoHome(true);
  try {
    assert.equal(await page.getByTestId('dao-title').textContent(), 'Worker Club');
    assert.equal(await page.getByTestId('proposal-row').count(), 1);
    assert.deepEqual(page.workers().map((worker) => worker.url()).filter((url) => /fold-worker/.test(url)), []);
    assert.ok(warnings.some((text) => /folding in the page/.test(text)), `says why: ${warnings.join(' | ')}`);

    // New records still arrive and fold in the page.
    await runCliJson(['--data', node.dataDir, 'proposal', 'create', dao, '--title', 'Fold in the page', '--text', 'When no worker starts.']);
    await page.getByTestId('proposal-row').nth(1).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('proposal-row').count(), 2);
  } finally {
    await context.close();
  }
});
