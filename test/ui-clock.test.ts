// A member whose clock runs a day ahead: their record reaches this node (here: it is in the log when the node
// starts), which holds it back until its own clock gets there, and says so where a person looks: the CLI's
// `dao peers` (human and --json) and the DAO's sync line in the UI. Real host, Debian Chromium.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DaoSyncStatus, DaoView } from '../core/bridge/api.ts';
import { EnvelopeLog } from '../electron-main/host/envelope-log.ts';
import { buildWorkload, type Workload } from '../bench/dao-workload.ts';
import { launchChromium } from './fixtures/browser.ts';
import { makeDataDir, removeDir, runCli, runCliJson, startCliNode, type RunningNode } from './fixtures/cli.ts';

const day = 24 * 3600_000;

let node: RunningNode;
let browser: Browser;
let workload: Workload;

before(async () => {
  const dataDir = await makeDataDir();
  workload = buildWorkload({ records: 40, perEnvelope: 4, aheadOfNowMs: day });
  await mkdir(join(dataDir, 'daos', workload.dao), { recursive: true });
  const log = await EnvelopeLog.open(join(dataDir, 'daos', workload.dao, 'envelopes.log'));
  await log.append([...workload.envelopes]);
  await log.close();
  node = await startCliNode({ dataDir, args: ['--ui'] });
  const created = await runCli(['--data', node.dataDir, 'identity', 'create', '--json'], { env: { DAOMESH_PASSPHRASE: 'a long enough passphrase' } });
  assert.equal(created.code, 0, created.stderr);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

test('a record claiming a time a day ahead is held back: the DAO shows without it, and the CLI and the UI say who is ahead and by how much', async () => {
  const data = ['--data', node.dataDir];
  const shown = await runCliJson<DaoView>([...data, 'dao', 'show', workload.dao]);
  assert.equal(shown.records, workload.records - 1, 'every record but the one from tomorrow');
  assert.ok(!shown.proposals.some((proposal) => proposal.title === 'From a clock ahead'));

  const status = await runCliJson<DaoSyncStatus>([...data, 'dao', 'peers', workload.dao]);
  assert.equal(status.held?.count, 1);
  assert.equal(status.held?.authors.length, 1);
  assert.ok(status.held!.latest > Date.now() + day - 3600_000, 'it claims about a day ahead');
  const human = await runCli([...data, 'dao', 'peers', workload.dao]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`held back: 1 record by ${status.held!.authors[0]} claim a time up to 14[34]\\d min ahead of this computer's clock`));

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
    assert.equal(await note.getAttribute('data-count'), '1');
    assert.match((await note.textContent())!, /^1 record by 0x[0-9a-fA-F]{4}.*claims a time up to (23 hours \d+ minutes|1 day) ahead of this computer’s clock/);
    // The page's own replica holds it back too: the proposal from tomorrow is not listed.
    assert.equal(await page.locator('[data-testid="proposal-row"]', { hasText: 'From a clock ahead' }).count(), 0);
    assert.ok((await page.getByTestId('proposal-row').count()) > 0);
  } finally {
    await context.close();
  }
});
