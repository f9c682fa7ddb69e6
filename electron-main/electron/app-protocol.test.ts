import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { contentSecurityPolicy } from '../host/api-server.ts';
import { appFileFor, appOrigin, appPageUrl, createAppProtocolHandler } from './app-protocol.ts';

let dir: string;
let root: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daomesh-app-protocol-'));
  root = join(dir, 'app');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>DAOmesh</title>');
  await writeFile(join(root, 'assets', 'index-1.js'), 'export {};');
  await writeFile(join(root, 'assets', 'index-1.css'), 'body{}');
  await writeFile(join(root, 'assets', 'font.woff2'), new Uint8Array([0x77, 0x4f, 0x46, 0x32]));
  // Beside the UI, as the keystore and the rest of a disk are: never reachable.
  await writeFile(join(dir, 'secret.txt'), 'not for the page');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a URL of the app origin names a file of the built UI, "/" its index', () => {
  assert.equal(appPageUrl, 'daomesh://app/index.html');
  assert.equal(appFileFor(root, appPageUrl), join(root, 'index.html'));
  assert.equal(appFileFor(root, `${appOrigin}/`), join(root, 'index.html'));
  assert.equal(appFileFor(root, appOrigin), join(root, 'index.html'));
  assert.equal(appFileFor(root, `${appOrigin}/assets/index-1.js?v=2#top`), join(root, 'assets', 'index-1.js'));
  assert.equal(appFileFor(root, `${appOrigin}/assets/a%20b.js`), join(root, 'assets', 'a b.js'));
});

test('nothing outside the built UI, nor on another scheme or host, has a file', () => {
  for (const url of [
    'file:///etc/passwd',
    'http://app/index.html',
    'daomesh://other/index.html',
    'daomesh://app:8080/index.html',
    'daomesh:///index.html',
    `${appOrigin}/assets/..%2f..%2fsecret.txt`,
    `${appOrigin}/assets%5c..%5c..%5csecret.txt`,
    `${appOrigin}/index.html%00.js`,
    `${appOrigin}/%E0%A4%A`,
    'not a url',
  ]) {
    assert.equal(appFileFor(root, url), null, url);
  }
  // Dot segments are resolved by the URL itself, so they stay inside the origin's root.
  assert.equal(appFileFor(root, `${appOrigin}/../secret.txt`), join(root, 'secret.txt'));
  assert.equal(appFileFor(root, `${appOrigin}/assets/%2e%2e/%2e%2e/secret.txt`), join(root, 'secret.txt'));
});

test('whatever the path, a file it names lies inside the built UI', () => {
  // Tokens that could climb out once decoded or joined, mixed with anything.
  const token = fc.oneof(fc.constantFrom('..', '.', '%2e', '%2E', '/', '%2f', '%2F', '%5c', '\\', '%00', '%', 'assets', 'secret.txt'), fc.string({ maxLength: 4 }));
  fc.assert(
    fc.property(fc.array(token, { maxLength: 12 }), (tokens) => {
      const path = tokens.join('');
      const file = appFileFor(root, `${appOrigin}/${path}`);
      if (file === null) return;
      const inside = relative(resolve(root), file);
      assert.ok(inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside), `${path} gave ${file}`);
    }),
    { numRuns: 2000 },
  );
});

test('the handler answers with the file, its type and the page policy', async () => {
  const handle = createAppProtocolHandler({ root, contentSecurityPolicy });
  const expectations: [string, string][] = [
    [appPageUrl, 'text/html; charset=utf-8'],
    [`${appOrigin}/assets/index-1.js`, 'text/javascript; charset=utf-8'],
    [`${appOrigin}/assets/index-1.css`, 'text/css; charset=utf-8'],
    [`${appOrigin}/assets/font.woff2`, 'font/woff2'],
  ];
  for (const [url, type] of expectations) {
    const response = await handle(new Request(url));
    assert.equal(response.status, 200, url);
    assert.equal(response.headers.get('content-type'), type, url);
    assert.equal(response.headers.get('content-security-policy'), contentSecurityPolicy);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  }
  const page = await handle(new Request(appPageUrl));
  assert.equal(await page.text(), '<!doctype html><title>DAOmesh</title>');
  const head = await handle(new Request(appPageUrl, { method: 'HEAD' }));
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('the handler refuses what is not a file of the built UI, and every method but GET and HEAD', async () => {
  const handle = createAppProtocolHandler({ root, contentSecurityPolicy });
  for (const url of [`${appOrigin}/missing.js`, `${appOrigin}/assets`, `${appOrigin}/assets/..%2f..%2fsecret.txt`, 'daomesh://other/index.html']) {
    const response = await handle(new Request(url));
    assert.equal(response.status, 404, url);
    assert.equal(await response.text(), 'Not found\n');
  }
  const post = await handle(new Request(appPageUrl, { method: 'POST', body: 'x' }));
  assert.equal(post.status, 405);
});

test('the built UI loads through the handler: its page, and the module scripts it names, as JavaScript', async () => {
  const built = join(import.meta.dirname, '..', '..', 'dist', 'app');
  assert.ok(existsSync(join(built, 'index.html')), 'dist/app/index.html is missing: npm test builds it first (npm run build)');
  const handle = createAppProtocolHandler({ root: built, contentSecurityPolicy });
  const html = await (await handle(new Request(appPageUrl))).text();
  assert.equal(html, await readFile(join(built, 'index.html'), 'utf8'));
  const scripts = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((match) => match[1]!);
  assert.ok(scripts.length > 0, 'the page names no module script');
  for (const src of scripts) {
    const response = await handle(new Request(new URL(src, appPageUrl)));
    assert.equal(response.status, 200, src);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8', src);
  }
});
