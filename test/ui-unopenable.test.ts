// A DAO whose files are damaged past repair: the node still starts and serves every other DAO, the DAO list in
// the UI says which one could not be opened and what to do, and the CLI says it too. A real node, real files
// on disk, Debian's Chromium.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './fixtures/browser.ts';
import { makeDataDir, removeDir, repoRoot, runCli, startCliNode, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-unopenable');
let node: RunningNode | undefined;
let browser: Browser | undefined;
const dataDir = await makeDataDir();

after(async () => {
  await browser?.close();
  await node?.stop();
  await removeDir(dataDir);
});

async function cliJson<T>(args: string[], data = dataDir): Promise<T> {
  const result = await runCli(['--data', data, ...args, '--json'], { env: { DAOMESH_PASSPHRASE: 'a long enough passphrase' } });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

/** Overwrites the DAO's log header and drops its snapshots: nothing to open it from. */
async function damage(data: string, dao: string): Promise<void> {
  const log = join(data, 'daos', dao, 'envelopes.log');
  await writeFile(log, Buffer.concat([Buffer.alloc(64, 0xee), (await readFile(log)).subarray(64)]));
  await rm(join(data, 'daos', dao, 'snapshots'), { recursive: true, force: true });
}

test('a DAO that cannot be opened is named in the DAO list with what to do, and the others open', async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startCliNode({ dataDir });
  await cliJson(['identity', 'create']);
  await cliJson(['dao', 'create', '--name', 'Kept']);
  const { dao: damaged } = await cliJson<{ dao: string }>(['dao', 'create', '--name', 'Damaged']);
  await node.stop();
  await damage(dataDir, damaged);

  node = await startCliNode({ dataDir, args: ['--ui'] });
  await cliJson(['identity', 'unlock']);
  const listed = await runCli(['--data', dataDir, 'dao', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /Kept/);
  assert.doesNotMatch(listed.stdout, /Damaged/);
  assert.match(listed.stderr, new RegExp(`^daomesh: DAO ${damaged} could not be opened: `, 'm'));

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  await page.goto(node.info.ui!);
  await page.getByTestId('nav-daos').click();
  const alert = page.getByTestId('dao-unopenable');
  await alert.waitFor({ timeout: 15_000 });
  assert.equal(await alert.count(), 1);
  assert.match((await alert.textContent()) ?? '', new RegExp(`could not be opened.*DAO ${damaged} could not be opened`));
  await page.getByTestId('dao-list').getByText('Kept').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(screenshots, 'dao-list.png'), fullPage: true });
});

test('a node whose only DAO cannot be opened does not say it has no DAOs yet', async () => {
  const alone = await makeDataDir();
  let only: RunningNode | undefined = await startCliNode({ dataDir: alone });
  try {
    await cliJson(['identity', 'create'], alone);
    const { dao } = await cliJson<{ dao: string }>(['dao', 'create', '--name', 'Only'], alone);
    await only.stop();
    await damage(alone, dao);
    only = await startCliNode({ dataDir: alone });
    const listed = await runCli(['--data', alone, 'dao', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'no DAO that opens: 1 DAO here could not be opened (above)\n');
    assert.match(listed.stderr, new RegExp(`^daomesh: DAO ${dao} could not be opened: `));
  } finally {
    await only?.stop();
    await removeDir(alone);
  }
});
