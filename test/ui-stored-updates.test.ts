// The UI replica's store of Yjs updates (app/daos/stored-updates.ts) in Chromium's own IndexedDB: it opens
// databases in the layout y-indexeddb wrote, keeps updates in order, folds them into one, and never lets a write
// take a key that is in use. The module is bundled with esbuild and loaded into a page of the host's UI origin.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, startCliNode, type RunningNode } from './fixtures/cli.ts';

let node: RunningNode;
let browser: Browser;
let page: Page;

before(async () => {
  const esbuild = await import('esbuild');
  const bundled = await esbuild.build({
    entryPoints: [join(repoRoot, 'app', 'daos', 'stored-updates.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'storedUpdatesModule',
    write: false,
    logLevel: 'silent',
  });
  node = await startCliNode({ args: ['--ui'] });
  browser = await launchChromium();
  page = await browser.newPage();
  const origin = new URL(node.info.ui!).origin;
  // Served from the UI's own origin, so the page's strict CSP (script-src 'self') lets it in.
  await page.route(`${origin}/test/stored-updates.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundled.outputFiles[0]!.text }));
  await page.goto(node.info.ui!);
  await page.addScriptTag({ url: `${origin}/test/stored-updates.js` });
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

/** Runs `body` in the page with `StoredUpdates` in scope; what it returns must be JSON. Browser code as text: the tests are type-checked without the DOM. */
function inPage<T>(body: string): Promise<T> {
  return page.evaluate(`(async () => { const { StoredUpdates } = storedUpdatesModule; const load = async (name) => (await new StoredUpdates(name).load()).map((update) => [...update]); ${body} })()`) as Promise<T>;
}

test('a database in the layout y-indexeddb wrote opens as it was, and takes more updates after its own', async () => {
  const loaded = await inPage<number[][][]>(`
    // y-indexeddb's layout: version 1, an auto-increment store of updates and a 'custom' store.
    const database = await new Promise((resolve, reject) => {
      const request = indexedDB.open('y-indexeddb layout', 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('updates', { autoIncrement: true });
        request.result.createObjectStore('custom');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise((resolve, reject) => {
      const transaction = database.transaction('updates', 'readwrite');
      for (const update of [[1, 2, 3], [4, 5], [6]]) transaction.objectStore('updates').add(Uint8Array.from(update));
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
    });
    database.close();
    const before = await load('y-indexeddb layout');
    const stored = new StoredUpdates('y-indexeddb layout');
    await stored.load();
    await stored.append(Uint8Array.of(7, 7));
    return [before, await load('y-indexeddb layout')];
  `);
  assert.deepEqual(loaded, [
    [[1, 2, 3], [4, 5], [6]],
    [[1, 2, 3], [4, 5], [6], [7, 7]],
  ]);
});

test('updates come back in the order they were stored; a compaction replaces those before it, not those after', async () => {
  const steps = await inPage<unknown[]>(`
    const stored = new StoredUpdates('compaction');
    const first = await load('compaction');
    await stored.load();
    for (let i = 1; i <= 4; i++) void stored.append(Uint8Array.of(i));
    const due = [stored.compactionDue(3), stored.compactionDue(4)];
    // Queued behind the appends: the state replaces all four, and what comes after it stays.
    void stored.compact(Uint8Array.of(9, 9));
    const dueWhileQueued = stored.compactionDue(3);
    await stored.append(Uint8Array.of(5));
    return [first, due, dueWhileQueued, await load('compaction')];
  `);
  assert.deepEqual(steps, [[], [true, false], false, [[9, 9], [5]]]);
});

test('writes made before the stored updates are read wait for them, and never take a key in use', async () => {
  const loaded = await inPage<number[][]>(`
    const earlier = new StoredUpdates('early writes');
    await earlier.load();
    await earlier.append(Uint8Array.of(1));
    await earlier.append(Uint8Array.of(2));
    const later = new StoredUpdates('early writes');
    const reading = later.load();
    const writing = later.append(Uint8Array.of(3));
    await Promise.all([reading, writing]);
    return load('early writes');
  `);
  assert.deepEqual(loaded, [[1], [2], [3]]);
});

test('two tabs on one database keep each other\'s updates, and a compaction in one keeps what the other wrote', async () => {
  const steps = await inPage<number[][][]>(`
    const seed = new StoredUpdates('two tabs');
    await seed.load();
    for (let i = 0; i < 3; i++) await seed.append(Uint8Array.of(i));
    // Two pages of one host and member: each read the same three updates, then each writes its own.
    const tabA = new StoredUpdates('two tabs');
    const tabB = new StoredUpdates('two tabs');
    await Promise.all([tabA.load(), tabB.load()]);
    await tabA.append(Uint8Array.of(10));
    await tabB.append(Uint8Array.of(20));
    const appended = await load('two tabs');
    // A folds what it holds (the three it read and its own) into one; B's update, and B's next, stay.
    await tabA.compact(Uint8Array.of(99));
    await tabB.append(Uint8Array.of(21));
    return [appended, await load('two tabs')];
  `);
  assert.deepEqual(steps, [
    [[0], [1], [2], [10], [20]],
    [[20], [99], [21]],
  ]);
});

test('a database whose updates cannot be read is not written to either', async () => {
  const outcome = await inPage<string[]>(`
    // A database of this name without the 'updates' store: reading it fails.
    await new Promise((resolve, reject) => {
      const request = indexedDB.open('unreadable', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('custom');
      request.onsuccess = () => { request.result.close(); resolve(); };
      request.onerror = () => reject(request.error);
    });
    const stored = new StoredUpdates('unreadable');
    let readError = null;
    const read = await stored.load().then(() => 'read', (error) => { readError = error; return 'not read: ' + error.name; });
    // Refused for the read's reason, without trying: a write after a failed read could take a key in use.
    const written = await stored.append(Uint8Array.of(1)).then(() => 'written', (error) => (error === readError ? 'not tried' : 'tried: ' + error.name));
    return [read, written];
  `);
  assert.deepEqual(outcome, ['not read: NotFoundError', 'not tried']);
});
