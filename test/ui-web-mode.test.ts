// Web mode end to end: a real host serving the real UI to Debian's Chromium, with a second real node.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, runCli, runCliJson, startCliNode, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-web-mode');
const passphrase = 'a long enough passphrase';

let node: RunningNode;
let peer: RunningNode;
let browser: Browser;
let page: Page;

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startCliNode({ args: ['--ui'] });
  peer = await startCliNode({ args: ['--bootstrap', node.info.listen[0]!] });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
});

after(async () => {
  await browser?.close();
  await Promise.all([node?.stop(), peer?.stop()]);
  await Promise.all([node && removeDir(node.dataDir), peer && removeDir(peer.dataDir)]);
});

test('onboarding creates an identity and the home screen shows it with the connected peer', async () => {
  assert.ok(node.info.ui, 'node --ui prints the UI link');
  await page.goto(node.info.ui);

  await page.getByTestId('onboarding-create').click();
  await page.getByTestId('passphrase').fill(passphrase);
  await page.getByTestId('passphrase-confirm').fill(`${passphrase} (typo)`);
  await page.getByTestId('create-submit').click();
  assert.equal(await page.getByTestId('recovery-phrase').count(), 0, 'mismatched passphrases do not create an identity');
  await page.getByTestId('passphrase-confirm').fill(passphrase);
  await page.getByTestId('create-submit').click();

  const phrase = (await page.getByTestId('recovery-phrase').textContent({ timeout: 30_000 })) ?? '';
  const words = phrase.match(/[a-z]+/g) ?? [];
  assert.equal(words.length, 12, `12 words shown: ${phrase}`);
  await page.screenshot({ path: join(screenshots, 'recovery-phrase.png') });
  await page.getByTestId('backup-confirmed').check();
  await page.getByTestId('backup-continue').click();

  const { address, peerId } = await runCliJson<{ address: string; peerId: string }>(['--data', node.dataDir, 'id']);
  assert.match(address, /^0x[0-9a-fA-F]{40}$/);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('home-address').textContent(), address);
  // Confirmed on the phrase screen: the node records it, and no reminder follows.
  assert.equal((await runCliJson<{ backupPending: boolean }>(['--data', node.dataDir, 'status'])).backupPending, false);
  assert.equal(await page.getByTestId('backup-reminder').count(), 0);
  assert.equal(await page.getByTestId('home-peer-id').textContent(), peerId);
  for (const listen of node.info.listen) assert.ok((await page.getByTestId('home-listen').textContent())?.includes(listen));

  await page.getByTestId('peer-row').filter({ hasText: peer.info.peerId }).waitFor({ timeout: 30_000 });
  assert.ok(Number(await page.getByTestId('peer-count').textContent()) >= 1);
  await page.screenshot({ path: join(screenshots, 'home.png'), fullPage: true });

  // The phrase shown is the one the host keeps: the CLI's backup, against the passphrase, gives the same words.
  const backup = await runCli(['--data', node.dataDir, 'identity', 'backup', '--json'], { env: { DAOMESH_PASSPHRASE: passphrase } });
  assert.equal(backup.code, 0, backup.stderr);
  assert.deepEqual((JSON.parse(backup.stdout) as { phrase: string }).phrase.split(' '), words);
});

test('the home screen updates live when the peer leaves', async () => {
  await peer.stop();
  await page.getByTestId('peer-row').filter({ hasText: peer.info.peerId }).waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal(await page.getByTestId('peer-count').textContent(), '0');
  // This node runs with --no-mdns: the empty list does not promise that peers are found by themselves.
  assert.equal(await page.getByTestId('home-mdns').textContent(), 'Off');
  const empty = (await page.getByTestId('peers-empty').textContent()) ?? '';
  assert.doesNotMatch(empty, /are found automatically/);
  assert.match(empty, /only through its bootstrap addresses or an invite/);
});

test('a reload keeps the session, and the language can be switched to Traditional Chinese', async () => {
  await page.reload();
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  const englishNav = await page.getByTestId('nav-settings').textContent();

  await page.getByTestId('nav-settings').click();
  await page.getByTestId('language-select').click();
  await page.getByRole('option', { name: '繁體中文' }).click();
  await page.getByTestId('nav-home').click();
  await page.getByTestId('home-address').waitFor();
  const chineseNav = await page.getByTestId('nav-settings').textContent();
  assert.notEqual(chineseNav, englishNav);
  assert.match(chineseNav ?? '', /[\u4e00-\u9fff]/, 'the settings label is in Chinese');
  await page.screenshot({ path: join(screenshots, 'home-zh-Hant.png'), fullPage: true });

  await page.reload();
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('nav-settings').textContent(), chineseNav, 'the choice persists');
});

test('locking returns to the unlock screen; a wrong passphrase is refused, the right one unlocks', async () => {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-lock').click();
  await page.getByTestId('unlock-passphrase').fill('not the passphrase');
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('form-error').waitFor({ timeout: 30_000 });
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
  await page.getByTestId('nav-home').click({ timeout: 30_000 });
  await page.getByTestId('home-address').waitFor({ timeout: 30_000 });
});

test('a page opened without the secret cannot reach the node', async () => {
  const stranger = await browser.newPage();
  try {
    await stranger.goto(node.info.ui!.replace(/#.*$/, ''));
    await stranger.waitForTimeout(1000);
    assert.equal(await stranger.getByTestId('home-address').count(), 0);
    assert.equal(await stranger.getByTestId('onboarding-create').count(), 0);
  } finally {
    await stranger.close();
  }
});

test('a reload on the recovery phrase screen does not skip the backup: every screen reminds until the phrase is confirmed written down', async () => {
  const fresh = await startCliNode({ args: ['--ui'] });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const backupPending = async (): Promise<boolean> => (await runCliJson<{ backupPending: boolean }>(['--data', fresh.dataDir, 'status'])).backupPending;
  try {
    await tab.goto(fresh.info.ui!);
    await tab.getByTestId('onboarding-create').click();
    await tab.getByTestId('passphrase').fill(passphrase);
    await tab.getByTestId('passphrase-confirm').fill(passphrase);
    await tab.getByTestId('create-submit').click();
    const shown = (await tab.getByTestId('recovery-phrase').textContent({ timeout: 30_000 })) ?? '';
    assert.equal(await backupPending(), true, 'shown, not yet confirmed');

    // The window is reloaded (or closed and opened again) before the user confirms.
    await tab.reload();
    const reminder = tab.getByTestId('backup-reminder');
    await reminder.waitFor({ timeout: 15_000 });
    assert.match((await reminder.textContent()) ?? '', /not backed up yet/);
    await tab.screenshot({ path: join(screenshots, 'backup-reminder.png') });
    await tab.getByTestId('nav-daos').click();
    await tab.getByTestId('dao-list-empty').waitFor({ timeout: 15_000 });
    assert.equal(await reminder.count(), 1, 'on every screen');

    // The phrase again, against the passphrase, then the confirmation.
    await tab.getByTestId('backup-reminder-open').click();
    await tab.getByTestId('backup-passphrase').fill(passphrase);
    await tab.getByTestId('backup-submit').click();
    const again = tab.getByRole('dialog').getByTestId('recovery-phrase');
    await again.waitFor({ timeout: 30_000 });
    assert.deepEqual((await again.textContent())?.match(/[a-z]+/g), shown.match(/[a-z]+/g), 'the same words');
    assert.ok(!(await tab.getByTestId('backup-confirm-written').isEnabled()), 'not before the box is ticked');
    await tab.getByTestId('backup-written').check();
    await tab.getByTestId('backup-confirm-written').click();
    await reminder.waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await tab.getByRole('dialog').count(), 0);
    assert.equal(await backupPending(), false);

    await tab.reload();
    await tab.getByTestId('dao-list-empty').waitFor({ timeout: 15_000 });
    assert.equal(await reminder.count(), 0, 'confirmed for good');
    // Settings still shows the phrase against the passphrase, with nothing left to confirm.
    await tab.getByTestId('nav-settings').click();
    await tab.getByTestId('settings-backup').click();
    await tab.getByTestId('backup-passphrase').fill(passphrase);
    await tab.getByTestId('backup-submit').click();
    await tab.getByRole('dialog').getByTestId('recovery-phrase').waitFor({ timeout: 30_000 });
    assert.equal(await tab.getByTestId('backup-written').count(), 0);
    await tab.getByTestId('backup-done').click();
    await tab.getByRole('dialog').waitFor({ state: 'detached' });
  } finally {
    await tab.close();
    await fresh.stop();
    await removeDir(fresh.dataDir);
  }
});
