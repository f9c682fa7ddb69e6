// Where the UI's replica folds its DAO: in a Web Worker (app/daos/fold-client.ts), so that a large DAO never
// freezes the page; in the page when no worker starts. The worker's side of the messages on its own (it
// answers malformed requests, never throws), then both ways in Debian's Chromium against a real host.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { daoSummary, daoView } from '../core/bridge/dao-view.ts';
import { simpleMajority } from '../core/governance/rules.ts';
import { actor, Scenario } from '../core/governance/test-dao.ts';
import { FoldServer, type FoldReply } from '../app/daos/fold-protocol.ts';
import { packEntries, unpackEntries } from '../app/daos/packed-entries.ts';
import { type FoldSnapshotStore } from '../app/daos/replica-fold.ts';
import { evidenceInView } from '../core/bridge/dao-view.ts';
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import { createDaoDoc, ledgerEntries } from '../core/dao/dao-doc.ts';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { buildWorkload, type Workload } from '../bench/dao-workload.ts';
import { launchChromium } from './fixtures/browser.ts';
import { dataDirHolding } from './fixtures/logged-dao.ts';
import { removeDir, repoRoot, runCliJson, startUiNode, type RunningNode } from './fixtures/cli.ts';

test('the fold worker folds what it is given and answers views at the time asked, the same as the core functions', async () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const scenario = new Scenario([alice, bob], simpleMajority(2));
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Fold elsewhere' });
  scenario.vote(bob, proposal, 'yes');
  const server = new FoldServer();
  assert.deepEqual(await server.handle({ type: 'open', dao: scenario.daoId, me: bob.key.address, database: null }), { type: 'opened', held: '' });

  // Before the genesis record: nothing to show yet.
  assert.deepEqual(await server.handle({ type: 'views', id: 1, now: scenario.now }), { type: 'views', id: 1, views: { view: null, summary: null, skipped: 0, restored: 0, evidenceTotal: 0 } });
  const entries = scenario.records.map((record): [string, unknown] => [record.id, record.bytes]);
  const [first, ...rest] = entries;
  // Newest first and in two batches, with junk the fold skips and counts.
  assert.equal(await server.handle({ type: 'add', entries: packEntries([...rest].reverse()) }), null);
  assert.equal(await server.handle({ type: 'add', entries: packEntries([first!, ['A'.repeat(43), new Uint8Array([1, 2])], ['B'.repeat(43), 'not bytes'], ['C\n'.repeat(20), new Uint8Array([3])]]) }), null);

  const state = scenario.ledger.state(scenario.now);
  const answer = await server.handle({ type: 'views', id: 2, now: scenario.now });
  assert.deepEqual(answer, { type: 'views', id: 2, views: { view: daoView(state, bob.key.address, scenario.now), summary: daoSummary(state, bob.key.address), skipped: 3, restored: 0, evidenceTotal: state.evidence.length } });
  const view = (answer as Extract<FoldReply, { type: 'views' }>).views.view!;
  assert.equal(view.proposals[0]?.myVote?.choice, 'yes', 'the member looking is the one the fold was opened for');
  // Later, the same fold answers for the later time: the vote's period is over.
  const later = scenario.now + 10 * 24 * 3600_000;
  const laterAnswer = await server.handle({ type: 'views', id: 3, now: later }) as Extract<FoldReply, { type: 'views' }>;
  assert.deepEqual(laterAnswer.views.view, daoView(scenario.ledger.state(later), bob.key.address, later));
});

test('the fold worker holds back a record claiming a time a day ahead, as the host does, and counts it once its time comes', async () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const day = 24 * 3600_000;
  const scenario = new Scenario([alice, bob], { ...simpleMajority(2), votingPeriodMs: 7 * day }, Date.now() - 3600_000);
  const open = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Open now' });
  // Bob's clock runs a day ahead; alice votes on top of what she holds, his proposal included.
  const tomorrow = scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'Written tomorrow' }, { time: Date.now() + day });
  scenario.vote(alice, open, 'yes', { time: Date.now(), deps: [open] });
  const server = new FoldServer();
  await server.handle({ type: 'open', dao: scenario.daoId, me: alice.key.address, database: null });
  await server.handle({ type: 'add', entries: packEntries(scenario.records.map((record) => [record.id, record.bytes])) });
  const viewAt = async (now: number) => ((await server.handle({ type: 'views', id: 1, now })) as Extract<FoldReply, { type: 'views' }>).views.view!;
  const today = await viewAt(Date.now());
  assert.deepEqual(today.proposals.map((proposal) => proposal.title), ['Open now']);
  assert.equal(today.proposals[0]!.tally.yes, 1);
  const later = await viewAt(Date.now() + day);
  assert.deepEqual(later.proposals.map((proposal) => proposal.id).sort(), [open, tomorrow].sort());
});

test('a view carries the first thousand ignored records and says how many there are', async () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const scenario = new Scenario([alice, bob], simpleMajority(2));
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Make up your mind' });
  // Each vote but the last is superseded by the next: kept as evidence.
  for (let i = 0; i < evidenceInView + 5; i++) scenario.vote(bob, proposal, i % 2 === 0 ? 'yes' : 'no');
  const server = new FoldServer();
  await server.handle({ type: 'open', dao: scenario.daoId, me: null, database: null });
  await server.handle({ type: 'add', entries: packEntries(scenario.records.map((record) => [record.id, record.bytes])) });
  const { views } = (await server.handle({ type: 'views', id: 1, now: scenario.now })) as Extract<FoldReply, { type: 'views' }>;
  const state = scenario.ledger.state(scenario.now);
  assert.ok(state.evidence.length > evidenceInView);
  assert.equal(views.evidenceTotal, state.evidence.length);
  assert.deepEqual(views.view?.evidence, daoView(state, null, scenario.now).evidence.slice(0, evidenceInView));
  assert.equal(views.view?.stateHash, state.stateHash, 'the rest of the view is whole');
});

test('the fold worker answers requests it cannot take with a reason, and goes on', async () => {
  const server = new FoldServer();
  const failed = (reply: FoldReply | null, id: number | null, reason: RegExp): void => {
    assert.equal(reply?.type, 'failed');
    assert.equal(reply.id, id);
    assert.match(reply.message, reason);
  };
  failed(await server.handle({ type: 'views', id: 7, now: 0 }), 7, /not opened/);
  failed(await server.handle({ type: 'add', entries: packEntries([]) }), null, /not opened/);
  for (const junk of [{ type: 'open', dao: 'A'.repeat(43), me: null }, null, 42, 'views', [], { type: 'nope' }, { type: 'views', id: -1, now: 0 }, { type: 'open', dao: 'not a dao', me: null }, { type: 'add', entries: [[1, 2]] }, { type: 'add', entries: 'x' }]) {
    failed(await server.handle(junk), null, /Not a fold request/);
  }
  failed(await server.handle({ type: 'views', id: 9, now: 'soon' }), 9, /Not a fold request/);
  failed(await server.handle({ type: 'views', id: 8, now: Number.NaN }), 8, /Not a fold request/);

  const scenario = new Scenario([actor('carol')], simpleMajority(1));
  assert.deepEqual(await server.handle({ type: 'open', dao: scenario.daoId, me: null, database: null }), { type: 'opened', held: '' });
  // Packs whose parts disagree: refused whole, nothing folded.
  const bytes = new Uint8Array(10);
  for (const [entries, reason] of [
    [{ ids: 'a\nb', bytes, ends: Int32Array.of(10) }, /2 ids for 1 entries/],
    [{ ids: 'a', bytes, ends: Int32Array.of(11) }, /outside/],
    [{ ids: 'a\nb', bytes, ends: Int32Array.of(6, 4) }, /outside/],
    [{ ids: 'a', bytes, ends: Int32Array.of(4) }, /left over/],
    [{ ids: 'a', bytes, ends: new Int32Array(0) }, /no entries/],
    [{ ids: 'a', bytes: [1, 2], ends: Int32Array.of(2) }, /Not a fold request/],
  ] as const) {
    failed(await server.handle({ type: 'add', entries }), null, reason);
  }
  failed(await server.handle({ type: 'open', dao: scenario.daoId, me: null, database: null }), null, /open already/);
  assert.equal(await server.handle({ type: 'add', entries: packEntries(scenario.records.map((record) => [record.id, record.bytes])) }), null);
  const reply = await server.handle({ type: 'views', id: 10, now: scenario.now });
  assert.equal(reply?.type, 'views');
  assert.equal(reply.views.summary?.members, 1);
  assert.equal(reply.views.view?.isMember, false, 'no member is looking');
});

test('ledger entries packed for the worker come back as they were; what is not an entry comes back as nothing', () => {
  const entries: Array<[string, unknown]> = [['a', new Uint8Array([1, 2, 3])], ['b', new Uint8Array(0)], ['c', 'text'], ['d\ne', new Uint8Array([4])], ['f', new Uint8Array([5, 6])]];
  const packed = packEntries(entries);
  assert.equal(packed.bytes.byteLength, 5, 'only usable entries carry bytes');
  assert.deepEqual(
    unpackEntries(packed).map(([id, value]) => [id, value && [...value]]),
    [['a', [1, 2, 3]], ['b', []], ['', null], ['', null], ['f', [5, 6]]],
  );
  assert.deepEqual(unpackEntries(packEntries([])), []);
});

/** A snapshot store in memory, counting its writes; IndexedDB's own runs in the browser tests below. */
function memoryStore(): FoldSnapshotStore & { bytes: Uint8Array | null; saves: number } {
  return {
    bytes: null,
    saves: 0,
    async load() {
      return this.bytes;
    },
    async save(bytes) {
      this.bytes = bytes;
      this.saves += 1;
    },
    async clear() {
      this.bytes = null;
    },
  };
}

const until = async (done: () => boolean): Promise<void> => {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 5_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

test('a large fold keeps a snapshot once idle, and the next open takes it instead of folding every record again', async () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const scenario = new Scenario([alice, bob], simpleMajority(2));
  for (let round = 0; round < 3; round++) {
    const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: `Round ${round}` });
    scenario.vote(bob, proposal, 'yes');
  }
  const entries = scenario.records.map((record): [string, unknown] => [record.id, record.bytes]);
  const policy = { minRecords: 5, every: 2, idleMs: 10, loadWaitMs: 1_000 };
  const store = memoryStore();
  const views = (server: FoldServer, id: number) => server.handle({ type: 'views', id, now: scenario.now }) as Promise<Extract<FoldReply, { type: 'views' }>>;

  // Too few records for a snapshot: none is written.
  const first = new FoldServer({ snapshots: () => store, policy });
  assert.deepEqual(await first.handle({ type: 'open', dao: scenario.daoId, me: null, database: 'db' }), { type: 'opened', held: '' });
  await first.handle({ type: 'add', entries: packEntries(entries.slice(0, 3)) });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(store.saves, 0);
  // Enough, in two bursts: one snapshot after the fold went idle.
  await first.handle({ type: 'add', entries: packEntries(entries.slice(3, 6)) });
  await first.handle({ type: 'add', entries: packEntries(entries.slice(6)) });
  await until(() => store.saves > 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(store.saves, 1);
  const expected = (await views(first, 1)).views;
  assert.equal(expected.restored, 0);
  first.close();

  // The next open restores the fold: the document's entries are all held, the views the same.
  const second = new FoldServer({ snapshots: () => store, policy });
  // It says which records it holds, so the page sends none of them.
  const opened = await second.handle({ type: 'open', dao: scenario.daoId, me: null, database: 'db' });
  assert.equal(opened?.type, 'opened');
  assert.deepEqual(opened.held.split('\n').sort(), entries.map(([id]) => id).sort());
  assert.equal((await views(second, 1)).views.restored, entries.length);
  await second.handle({ type: 'add', entries: packEntries(entries) });
  assert.deepEqual((await views(second, 2)).views, { ...expected, restored: entries.length });
  // Records after the snapshot fold on top of it; a new snapshot once `every` of them came in.
  const proposal = scenario.propose(bob, { kind: 'signal', params: { text: '' }, title: 'After the snapshot' });
  scenario.vote(alice, proposal, 'no');
  // (Sent with the held ones again, as a page may: the two new ones are then copied out of the packed buffer.)
  await second.handle({ type: 'add', entries: packEntries([...entries, ...scenario.records.slice(-2).map((record): [string, unknown] => [record.id, record.bytes])]) });
  const after = (await views(second, 3)).views;
  assert.equal(after.view?.stateHash, scenario.ledger.stateHash());
  await until(() => store.saves > 1);
  second.close();
});

test('records that keep coming put the snapshot off, but not for ever', async () => {
  const [alice, bob] = [actor('alice'), actor('bob')];
  const scenario = new Scenario([alice, bob], simpleMajority(2));
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'Change your mind' });
  for (let i = 0; i < 40; i++) scenario.vote(bob, proposal, i % 2 === 0 ? 'yes' : 'no');
  const store = memoryStore();
  const server = new FoldServer({ snapshots: () => store, policy: { minRecords: 1, every: 1, idleMs: 30, loadWaitMs: 1_000 } });
  await server.handle({ type: 'open', dao: scenario.daoId, me: null, database: 'db' });
  // One record every 10 ms: never 30 ms idle while they come (~0.4 s).
  for (const record of scenario.records) {
    await server.handle({ type: 'add', entries: packEntries([[record.id, record.bytes]]) });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(store.saves >= 1, 'saved while records kept coming');
  server.close();
});

test('a snapshot store that never answers delays the fold only so long, then it folds from the records', async () => {
  const scenario = new Scenario([actor('erin')], simpleMajority(1));
  const silent: FoldSnapshotStore = { load: () => new Promise(() => {}), save: async () => {}, clear: async () => {} };
  const server = new FoldServer({ snapshots: () => silent, policy: { minRecords: 2_000, every: 1_000, idleMs: 2_000, loadWaitMs: 50 } });
  assert.deepEqual(await server.handle({ type: 'open', dao: scenario.daoId, me: null, database: 'db' }), { type: 'opened', held: '' });
  await server.handle({ type: 'add', entries: packEntries(scenario.records.map((record) => [record.id, record.bytes])) });
  const reply = (await server.handle({ type: 'views', id: 1, now: scenario.now })) as Extract<FoldReply, { type: 'views' }>;
  assert.equal(reply.views.view?.stateHash, scenario.ledger.stateHash());
  server.close();
});

test('a damaged fold snapshot is dropped with a warning, and the fold starts from the records', async () => {
  const scenario = new Scenario([actor('dave')], simpleMajority(1));
  const store = memoryStore();
  store.bytes = new Uint8Array([0xa1, 0x61, 0x76, 0x01]);
  const server = new FoldServer({ snapshots: () => store });
  await server.handle({ type: 'open', dao: scenario.daoId, me: null, database: 'db' });
  assert.equal(store.bytes, null, 'dropped');
  await server.handle({ type: 'add', entries: packEntries(scenario.records.map((record) => [record.id, record.bytes])) });
  const reply = (await server.handle({ type: 'views', id: 1, now: scenario.now })) as Extract<FoldReply, { type: 'views' }>;
  assert.equal(reply.views.view?.stateHash, scenario.ledger.stateHash());
  assert.equal(reply.views.restored, 0);
  server.close();
});

let node: RunningNode;
let browser: Browser;
let dao: string;
/**
 * A DAO large enough for the fold to keep a snapshot (2,000 records and up) and for its first dao.sync answer to
 * be megabytes (~18 MB of base64: over what a regexp-checked schema once overflowed its stack on, and over the
 * CLI client's former 16 MiB limit), in the host's log before it starts.
 */
let large: Workload;

before(async () => {
  large = buildWorkload({ records: 32_000, perEnvelope: 16 });
  node = await startUiNode({ dataDir: await dataDirHolding(large) });
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
async function openDaoHome(blockWorker: boolean, id = dao): Promise<{ context: BrowserContext; page: Page; warnings: string[] }> {
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
  await page.locator(`[data-testid="dao-card"][data-dao="${id}"]`).click();
  await page.getByTestId('dao-home').waitFor({ timeout: 30_000 });
  return { context, page, warnings };
}

test('the UI folds its replica in a Web Worker', async () => {
  const { context, page } = await openDaoHome(false);
  try {
    assert.equal(await page.getByTestId('dao-title').textContent(), 'Worker Club');
    assert.equal(await page.getByTestId('proposal-row').count(), 1);
    assert.equal(await page.getByTestId('dao-home').getAttribute('data-fold-in'), 'worker');
    // The DAO list opened a replica of each DAO the host holds, each with its fold worker.
    const folds = page.workers().filter((worker) => /fold-worker-[^/]*\.js$/.test(worker.url()));
    assert.equal(folds.length, 2, `a fold worker for each of the two DAOs, got ${page.workers().map((worker) => worker.url()).join(', ')}`);
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
    assert.equal(await page.getByTestId('dao-home').getAttribute('data-fold-in'), 'page');
    assert.ok(warnings.some((text) => /folding in the page/.test(text)), `says why: ${warnings.join(' | ')}`);

    // New records still arrive and fold in the page.
    await runCliJson(['--data', node.dataDir, 'proposal', 'create', dao, '--title', 'Fold in the page', '--text', 'When no worker starts.']);
    await page.getByTestId('proposal-row').nth(1).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('proposal-row').count(), 2);
  } finally {
    await context.close();
  }
});

/**
 * The size of the fold snapshot the page keeps for `dao`, or 0 for none. Browser code, as text: the tests are
 * type-checked without the DOM's types.
 */
async function snapshotBytes(page: Page, id: string): Promise<number> {
  const readSnapshot = `async (daoId) => {
    const names = (await indexedDB.databases()).map((database) => database.name ?? '').filter((name) => name.endsWith(':dao:' + daoId + ':fold'));
    if (names.length !== 1) return 0;
    const done = (request) => new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const database = await done(indexedDB.open(names[0]));
    try {
      const value = await done(database.transaction('snapshots').objectStore('snapshots').get('fold'));
      return value instanceof Uint8Array ? value.byteLength : 0;
    } finally {
      database.close();
    }
  }`;
  return await page.evaluate(`(${readSnapshot})(${JSON.stringify(id)})`);
}

test('a large DAO\'s whole document comes over the local API in one dao.sync answer of tens of megabytes', async () => {
  const api = await connectApi(await readApiEndpoint(node.dataDir));
  try {
    const { update } = await api.call('dao.sync', { dao: large.dao, stateVector: base64.encode(Y.encodeStateVector(new Y.Doc())) });
    assert.ok(update.length > 16 * 1024 * 1024, `${update.length} characters`);
    const doc = createDaoDoc();
    Y.applyUpdate(doc, base64.decode(update));
    assert.equal([...ledgerEntries(doc)].length, large.records);
  } finally {
    api.close();
  }
});

test('a large DAO: opened in a fresh browser, its fold keeps a snapshot in IndexedDB, and a reload opens the DAO from it', async () => {
  const { context, page } = await openDaoHome(false, large.dao);
  try {
    const home = page.getByTestId('dao-home');
    await page.locator(`[data-testid="dao-state-hash"]:text-is("${large.stateHash}")`).waitFor({ timeout: 30_000 });
    assert.equal(await home.getAttribute('data-fold-restored'), '0', 'the first open folds every record');
    const deadline = Date.now() + 30_000;
    while ((await snapshotBytes(page, large.dao)) === 0) {
      assert.ok(Date.now() < deadline, 'a snapshot is saved once the fold is idle');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await page.reload();
    await home.waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="dao-state-hash"]:text-is("${large.stateHash}")`).waitFor({ timeout: 30_000 });
    assert.equal(await home.getAttribute('data-fold-restored'), String(large.records), 'every record came from the snapshot');
    assert.equal(await home.getAttribute('data-fold-in'), 'worker');

    // Hundreds of proposals and thousands of ignored records: shown a page at a time, the rest on demand.
    assert.equal(await page.getByTestId('proposal-row').count(), 20);
    await page.screenshot({ path: join(repoRoot, 'test-results', 'ui-fold-large-dao.png'), fullPage: true });
    const showAll = page.getByTestId('proposal-show-all');
    const total = Number((await showAll.textContent())?.match(/\d[\d,]*/)?.[0].replace(/,/g, ''));
    assert.ok(total > 20, `the button names all ${total} proposals`);
    await showAll.click();
    await page.getByTestId('proposal-row').nth(total - 1).waitFor();
    assert.equal(await page.getByTestId('proposal-row').count(), total);
    const api = await connectApi(await readApiEndpoint(node.dataDir));
    const evidence = await api.call('dao.get', { dao: large.dao }).then((view) => view.evidenceTotal, (error: unknown) => { api.close(); throw error; });
    api.close();
    assert.ok(evidence > evidenceInView, `${evidence} ignored records`);
    assert.equal(await page.getByTestId('evidence-count').textContent(), String(evidence), 'the badge counts them all');
    await page.getByTestId('evidence-toggle').click();
    await page.getByTestId('evidence-row').nth(99).waitFor();
    assert.equal(await page.getByTestId('evidence-row').count(), 100);
    for (let shown = 200; shown <= evidenceInView; shown += 100) {
      await page.getByTestId('evidence-more').click();
      await page.getByTestId('evidence-row').nth(shown - 1).waitFor();
    }
    assert.equal(await page.getByTestId('evidence-row').count(), evidenceInView);
    assert.equal(await page.getByTestId('evidence-more').count(), 0);
    assert.match((await page.getByTestId('evidence-rest').textContent()) ?? '', new RegExp(`first 1,?000 of ${evidence}`));

  } finally {
    await context.close();
  }
});
