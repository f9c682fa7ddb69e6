// The DAO screens end to end in web mode: create a DAO, make a proposal, vote, see the tally; reload and
// find everything still there. A real host, the real UI, Debian's Chromium.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, runCli, startCliNode, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-dao');
let node: RunningNode;
let browser: Browser;
let page: Page;

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startCliNode({ args: ['--ui'] });
  const created = await runCli(['--data', node.dataDir, 'identity', 'create', '--json'], { env: { DAOMESH_PASSPHRASE: 'a long enough passphrase' } });
  assert.equal(created.code, 0, created.stderr);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

test('create a DAO, make a proposal, vote, see the tally; a reload keeps it all', async () => {
  await page.getByTestId('nav-daos').click();
  await page.getByTestId('dao-create-open').click();
  await page.getByTestId('dao-name').fill('Garden Club');
  await page.getByTestId('dao-charter').fill('We grow food together.');
  await page.getByTestId('dao-preset').click();
  await page.getByRole('option', { name: 'Supermajority' }).click();
  await page.getByTestId('dao-create-submit').click();

  await page.getByTestId('dao-home').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('dao-title').textContent(), 'Garden Club');
  assert.equal(await page.getByTestId('member-row').count(), 1);

  await page.getByTestId('proposal-new').click();
  await page.getByTestId('proposal-title').fill('Buy seeds');
  await page.getByTestId('proposal-text').fill('Tomatoes and beans for spring.');
  await page.getByTestId('proposal-submit').click();
  // A new proposal opens on its own page.
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('proposal-heading').textContent(), 'Buy seeds');
  await page.getByTestId('vote-yes').click();
  await page.getByTestId('vote-yes').and(page.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('tally-yes').textContent(), '1');
  assert.equal(await page.getByTestId('tally-no').textContent(), '0');
  await page.screenshot({ path: join(screenshots, 'proposal.png'), fullPage: true });

  // The host agrees with what the page shows.
  const listed = await runCli(['--data', node.dataDir, 'dao', 'list', '--json']);
  const [dao] = JSON.parse(listed.stdout) as Array<{ id: string; name: string }>;
  assert.equal(dao?.name, 'Garden Club');
  const proposals = JSON.parse((await runCli(['--data', node.dataDir, 'proposal', 'list', dao!.id, '--json'])).stdout) as Array<{ title: string; tally: { yes: number } }>;
  assert.deepEqual(proposals.map((entry) => [entry.title, entry.tally.yes]), [['Buy seeds', 1]]);

  await page.reload();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('tally-yes').textContent(), '1');
  await page.getByTestId('proposal-back').click();
  await page.getByTestId('dao-home').waitFor();
  assert.equal(await page.getByTestId('proposal-row').count(), 1);
  await page.screenshot({ path: join(screenshots, 'dao-home.png'), fullPage: true });
});
