// Sync in the UI, end to end in web mode: two real nodes (`daomesh node --ui`, libp2p on 127.0.0.1), each with
// its own page in Debian's Chromium. A invites through the dialog, B joins by pasting the code, B votes and A's
// page shows the vote without a reload, and each page shows the other member online and one peer. Then the
// ways a join goes wrong (an altered code, a revoked one) and a device that is not a member.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, runCli, startCliNode, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-sync');
const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
const nodes: RunningNode[] = [];
let browser: Browser;
let dao = '';
let proposal = '';

type Member = { node: RunningNode; address: string; page: Page };
let a: Member;
let b: Member;

async function cliJson<T>(node: RunningNode, args: string[]): Promise<T> {
  const result = await runCli(['--data', node.dataDir, ...args, '--json'], { env });
  if (result.code !== 0) throw new Error(`daomesh ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A node with the UI and an identity made through the CLI, and its page open on the node's link. */
async function startMember(): Promise<Member> {
  const node = await startCliNode({ env, args: ['--ui', '--sync-interval', '2s'] });
  nodes.push(node);
  const { address } = await cliJson<{ address: string }>(node, ['identity', 'create']);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  return { node, address, page };
}

async function openDao(member: Member): Promise<void> {
  await member.page.getByTestId('nav-daos').click();
  await member.page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`).click();
  await member.page.locator(`[data-testid="dao-home"][data-dao="${dao}"]`).waitFor({ timeout: 15_000 });
}

async function createInvite(page: Page, expiry?: string): Promise<{ code: string; expires: number }> {
  await page.getByTestId('invite-open').click();
  if (expiry) await page.getByTestId('invite-expiry').getByText(expiry, { exact: true }).click();
  await page.getByTestId('invite-create').click();
  const code = await page.getByTestId('invite-code').inputValue({ timeout: 15_000 });
  const expires = Number(await page.getByTestId('invite-expires').getAttribute('data-expires'));
  return { code, expires };
}

async function attributes(elements: Locator, name: string): Promise<Array<string | null>> {
  return await Promise.all((await elements.all()).map((element) => element.getAttribute(name)));
}

/** The DAO home shows `other` online (in the member list and among the avatars), and one peer. */
async function seesOnline(page: Page, other: string): Promise<void> {
  await page.locator('[data-testid="dao-sync"][data-peers="1"]').waitFor({ timeout: 60_000 });
  const onlineRow = page.locator('[data-testid="member-row"][data-online="true"]');
  await page.locator(`[data-testid="member-row"][data-online="true"][data-address="${other}" i]`).waitFor({ timeout: 60_000 });
  assert.equal(await onlineRow.count(), 2, 'both members are online, this one included');
  assert.equal(await onlineRow.getByTestId('member-online').count(), 2);
  assert.equal(await page.getByTestId('sync-peers').textContent(), '1 peer');
  const avatars = await attributes(page.getByTestId('presence').getByTestId('member-avatar'), 'data-address');
  assert.deepEqual(avatars.map((address) => address?.toLowerCase()).sort(), [a.address, b.address].map((address) => address.toLowerCase()).sort());
}

before(async () => {
  await mkdir(screenshots, { recursive: true });
  browser = await launchChromium();
  a = await startMember();
  b = await startMember();
  // A founds the DAO with B as a founder, so B is a member as soon as its node has the history.
  dao = (await cliJson<{ dao: string }>(a.node, ['dao', 'create', '--name', 'Orchard', '--founder', b.address, '--voting-period', '1h'])).dao;
  proposal = (await cliJson<{ proposal: string }>(a.node, ['proposal', 'create', dao, '--title', 'Plant pears', '--text', 'Four trees by the wall.'])).proposal;
});

after(async () => {
  await browser?.close();
  for (const node of nodes) {
    await node.stop();
    await removeDir(node.dataDir);
  }
});

test('invite through the dialog, join by pasting the code, vote on one node and see the tally on the other; each sees the other online', async () => {
  await openDao(a);
  assert.equal(await a.page.getByTestId('dao-sync').getAttribute('data-state'), 'offline');
  assert.equal(await a.page.getByTestId('sync-peers').textContent(), '0 peers');

  const before = Date.now();
  const invite = await createInvite(a.page, '1 day');
  assert.match(invite.code, /^daomesh-invite:[A-Za-z0-9_-]+$/);
  assert.ok(Math.abs(invite.expires - (before + 24 * 3600 * 1000)) < 60_000, 'the code works for the day chosen');
  assert.match((await a.page.getByTestId('invite-expires').textContent())!, /^Expires /);
  await a.page.screenshot({ path: join(screenshots, 'invite.png'), fullPage: true });
  await a.page.getByTestId('invite-done').click();
  // A watches the proposal while B joins and votes.
  await a.page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await a.page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  assert.equal(await a.page.getByTestId('tally-yes').textContent(), '0');

  await b.page.getByTestId('nav-daos').click();
  await b.page.getByTestId('dao-join-open').click();
  await b.page.getByTestId('join-code').fill(invite.code);
  await b.page.getByTestId('join-submit').click();
  await b.page.locator(`[data-testid="dao-home"][data-dao="${dao}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await b.page.getByTestId('dao-title').textContent(), 'Orchard');
  assert.equal(await b.page.getByTestId('dao-not-member').count(), 0, 'a founder is a member once the history is in');
  assert.equal(await b.page.getByTestId('member-row').count(), 2);

  await b.page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await b.page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  await b.page.getByTestId('vote-yes').click();
  await b.page.getByTestId('vote-yes').and(b.page.locator('[aria-pressed="true"]')).waitFor({ timeout: 15_000 });

  // No reload on A: the vote arrives over the network, and the page follows its node.
  await a.page.getByTestId('tally-yes').filter({ hasText: /^1$/ }).waitFor({ timeout: 30_000 });
  assert.equal(await a.page.getByTestId('tally-voters').textContent(), '1 member has voted');
  await a.page.screenshot({ path: join(screenshots, 'vote-arrived.png'), fullPage: true });

  await a.page.getByTestId('proposal-back').click();
  await b.page.getByTestId('proposal-back').click();
  await seesOnline(a.page, b.address);
  await seesOnline(b.page, a.address);
  // In sync once the catch-up the vote and the presence set off has run (it may be running at this moment).
  await a.page.locator('[data-testid="dao-sync"][data-state="in-sync"]').waitFor({ timeout: 15_000 });

  // The peers panel names the other node by its peer id.
  await b.page.getByTestId('dao-peers-toggle').click();
  const peers = await attributes(b.page.getByTestId('dao-peer'), 'data-peer');
  assert.deepEqual(peers, [a.node.info.peerId]);
  await b.page.screenshot({ path: join(screenshots, 'joined.png'), fullPage: true });

  // The DAO's card in the list shows the same.
  await a.page.getByTestId('nav-daos').click();
  const card = a.page.locator(`[data-testid="dao-card"][data-dao="${dao}"]`);
  await card.locator('[data-testid="dao-sync"][data-peers="1"]').waitFor({ timeout: 15_000 });
  assert.equal(await card.getByTestId('sync-peers').textContent(), '1 peer');
  await a.page.screenshot({ path: join(screenshots, 'dao-list.png'), fullPage: true });
});

test('an altered code shows the altered text and a revoked one the revoked text; a device that is not a member reads the DAO and is told how to take part', async () => {
  const c = await startMember();
  await openDao(a);
  const revoked = await createInvite(a.page);
  await a.page.getByTestId('invite-revoke').click();
  await a.page.getByTestId('invite-revoked').waitFor({ timeout: 15_000 });
  await a.page.getByTestId('invite-another').click();
  await a.page.getByTestId('invite-create').click();
  const good = await a.page.getByTestId('invite-code').inputValue({ timeout: 15_000 });
  assert.notEqual(good, revoked.code);
  await a.page.getByTestId('invite-done').click();

  await c.page.getByTestId('nav-daos').click();
  await c.page.getByTestId('dao-join-open').click();
  const refused = async (code: string, text: RegExp): Promise<string> => {
    await c.page.getByTestId('join-code').fill(code);
    await c.page.getByTestId('join-submit').click();
    const error = c.page.getByTestId('join-dialog').getByTestId('form-error').filter({ hasText: text });
    await error.waitFor({ timeout: 30_000 });
    return (await error.textContent())!;
  };

  // One character of the signature changed: the code no longer matches what its signer signed.
  const at = good.length - 20;
  const altered = good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1);
  assert.equal(await refused(altered, /altered/), 'That invite code is not valid: The code was altered after it was signed. Ask for a new one.');
  assert.equal(await refused(revoked.code, /revoked/), 'That invite was revoked. Ask for a new one.');
  // Half a code is caught before it reaches the node.
  await c.page.getByTestId('join-code').fill('daomesh-invite:');
  await c.page.getByTestId('join-submit').click();
  await c.page.getByText('That is not a whole invite code: they start with “daomesh-invite:” and are much longer.').waitFor();
  await c.page.screenshot({ path: join(screenshots, 'join-refused.png'), fullPage: true });

  await c.page.getByTestId('join-code').fill(good);
  await c.page.getByTestId('join-submit').click();
  await c.page.locator(`[data-testid="dao-home"][data-dao="${dao}"]`).waitFor({ timeout: 30_000 });
  await c.page.getByTestId('dao-not-member').waitFor();
  assert.match((await c.page.getByTestId('dao-not-member').textContent())!, /^You can read this DAO\. To take part, ask a member to propose adding you:/);
  assert.equal((await c.page.getByTestId('dao-not-member-address').textContent())?.toLowerCase(), c.address.toLowerCase());
  assert.equal(await c.page.getByTestId('invite-open').count(), 0, 'only members invite');
  assert.equal(await c.page.getByTestId('proposal-new').count(), 0, 'only members propose');
  assert.equal(await c.page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).count(), 1, 'the history arrived');
  await c.page.screenshot({ path: join(screenshots, 'not-member.png'), fullPage: true });
});
