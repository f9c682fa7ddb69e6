// A member whose clock runs ahead: their records reach this node (here: they are in the log when the node
// starts), which holds them back until its own clock gets there, and says so where a person looks: the CLI's
// `dao peers` (human and --json) and the DAO's sync line in the UI. When the clock gets there the node takes the
// record in by itself and the page shows it. Real host, Debian Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DaoSyncStatus, DaoView } from '../core/bridge/api.ts';
import { buildWorkload, type Workload } from '../bench/dao-workload.ts';
import { launchChromium } from './fixtures/browser.ts';
import { dataDirHolding } from './fixtures/logged-dao.ts';
import { removeDir, runCli, runCliJson, startUiNode, type RunningNode } from './fixtures/cli.ts';

const day = 24 * 3600_000;
const allowedSkewMs = 10 * 60_000;
/** How long after the workload is made its first record ahead comes due: time enough to look at it held first. */
const soonMs = 30_000;

let node: RunningNode;
let browser: Browser;
let workload: Workload;

before(async () => {
  // The second member's proposal claiming a little more than a node lets through, and their next one a day ahead.
  workload = buildWorkload({ records: 40, perEnvelope: 4, aheadOfNowMs: [allowedSkewMs + soonMs, day] });
  node = await startUiNode({ dataDir: await dataDirHolding(workload) });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

test('records claiming a time ahead are held back: the DAO shows without them, the CLI and the UI say who is ahead and by how much, and one comes in when its time comes', async () => {
  const data = ['--data', node.dataDir];
  const shown = await runCliJson<DaoView>([...data, 'dao', 'show', workload.dao]);
  assert.equal(shown.records, workload.records - 2, 'every record but the two from ahead');
  assert.ok(!shown.proposals.some((proposal) => proposal.title.startsWith('From a clock ahead')));

  const status = await runCliJson<DaoSyncStatus>([...data, 'dao', 'peers', workload.dao]);
  assert.equal(status.held?.count, 2);
  assert.equal(status.held?.authors.length, 1);
  assert.ok(status.held!.latest > Date.now() + day - 3600_000, 'the furthest claims about a day ahead');
  const human = await runCli([...data, 'dao', 'peers', workload.dao]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`held back: 2 records by ${status.held!.authors[0]} claim a time up to 14[34]\\d min ahead of this computer's clock`));

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(node.info.ui!);
    await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
    await page.getByTestId('nav-daos').click();
    await page.locator(`[data-testid="dao-card"][data-dao="${workload.dao}"]`).click();
    await page.getByTestId('dao-home').waitFor({ timeout: 30_000 });
    const note = page.getByTestId('sync-held');
    await note.waitFor({ timeout: 15_000 });
    assert.equal(await note.getAttribute('data-count'), '2');
    assert.match((await note.textContent())!, /^2 records by 0x[0-9a-fA-F]{4}.*claim a time up to (23 hours \d+ minutes|1 day) ahead of this computer’s clock/);
    // The page's own replica holds them back too.
    const ahead = page.locator('[data-testid="proposal-row"]', { hasText: 'From a clock ahead' });
    assert.equal(await ahead.count(), 0);
    assert.ok((await page.getByTestId('proposal-row').count()) > 0);

    // The first one's time comes: the node takes it in by itself, and the page shows it without a reload.
    await ahead.first().waitFor({ timeout: soonMs + 30_000 });
    assert.deepEqual(await ahead.allTextContents().then((rows) => rows.map((row) => /From a clock ahead( 2)?/.exec(row)?.[0])), ['From a clock ahead']);
    await page.locator('[data-testid="sync-held"][data-count="1"]').waitFor({ timeout: 15_000 });
    assert.equal((await runCliJson<DaoSyncStatus>([...data, 'dao', 'peers', workload.dao])).held?.count, 1);
  } finally {
    await context.close();
  }
});
