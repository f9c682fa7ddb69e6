// The local API lets in only callers that hold the running node's secret, from no other web origin. The handshake
// that proves the secret, and its adversaries, are in api-handshake.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { newAuthNonce, nonceProtocolPrefix } from '../core/bridge/api-auth.ts';
import { bridgeProtocol } from '../core/bridge/protocol.ts';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { startHost, type Host } from '../electron-main/host/host.ts';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openAuthorizedApiSocket } from './fixtures/api-socket.ts';
import { makeDataDir, removeDir } from './fixtures/cli.ts';

let host: Host;
let dataDir: string;
let uiDir: string;
let secret: string;

before(async () => {
  dataDir = await makeDataDir();
  uiDir = join(dataDir, 'ui');
  await mkdir(uiDir);
  await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>DAOmesh</title>');
  await writeFile(join(uiDir, 'old-build.js'), 'export {};');
  host = await startHost({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, ui: true, uiDir });
  secret = (await readApiEndpoint(dataDir)).secret;
});

after(async () => {
  await host?.stop();
  await removeDir(dataDir);
});

function port(): number {
  return Number(new URL(host.apiUrl).port);
}

/** Attempts a WebSocket upgrade and reports the HTTP status the server answered with. */
function upgradeStatus(options: { protocols?: string[]; headers?: Record<string, string>; path?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: port(),
      path: options.path ?? '/api',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
        ...(options.protocols ? { 'sec-websocket-protocol': options.protocols.join(', ') } : {}),
        ...options.headers,
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What a client offers at the upgrade: the bridge, and a nonce for the handshake that proves the secret. */
const protocols = [bridgeProtocol, `${nonceProtocolPrefix}${newAuthNonce()}`];

test('an upgrade without a well-formed nonce to prove the secret with is refused with 401', async () => {
  assert.equal(await upgradeStatus({ protocols: [bridgeProtocol] }), 401);
  assert.equal(await upgradeStatus({}), 401);
  assert.equal(await upgradeStatus({ protocols: [bridgeProtocol, `${nonceProtocolPrefix}${'0'.repeat(63)}`] }), 401);
  assert.equal(await upgradeStatus({ protocols: [bridgeProtocol, `${nonceProtocolPrefix}${'G'.repeat(64)}`] }), 401);
  // The first version's secret-as-subprotocol is no way in.
  assert.equal(await upgradeStatus({ protocols: [bridgeProtocol, `daomesh-secret.${secret}`] }), 401);
});

test('a client with a wrong secret is refused', async () => {
  await assert.rejects(connectApi({ url: host.apiUrl, secret: 'f'.repeat(64) }), { code: 'UNAUTHORIZED' });
  await assert.rejects(connectApi({ url: host.apiUrl, secret: secret.slice(0, 32) }), { code: 'UNAUTHORIZED' });
});

test('a client from another web origin, or through a rebound host name, is refused', async () => {
  assert.equal(await upgradeStatus({ protocols, headers: { origin: 'https://evil.example' } }), 403);
  assert.equal(await upgradeStatus({ protocols, headers: { host: `evil.example:${port()}` } }), 421);
  assert.equal(await upgradeStatus({ protocols, headers: { origin: `http://127.0.0.1:${port()}` } }), 101);
  assert.equal(await upgradeStatus({ protocols }), 101);
});

test('an upgrade to a target that is no plain path is refused, and the node keeps serving', async () => {
  // "//" and its kin make URL parsers throw; the handler must not (a throw there would end the node).
  for (const path of ['//', '/\\', '//[', '/api/..', '/apix', '*']) assert.equal(await upgradeStatus({ protocols, path }), 404, path);
  assert.equal(await upgradeStatus({ protocols, path: '/api?v=1' }), 101);
  const api = await connectApi({ url: host.apiUrl, secret });
  assert.equal((await api.call('node.status', {})).peerId, host.peerId);
  api.close();
});

test('each start makes a new secret, and a node that is gone is not sent one', async () => {
  const dir = await makeDataDir();
  try {
    const first = await startHost({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
    const old = await readApiEndpoint(dir);
    await first.stop();
    await assert.rejects(readApiEndpoint(dir), { code: 'NODE_NOT_RUNNING' });
    const second = await startHost({ dataDir: dir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
    try {
      const now = await readApiEndpoint(dir);
      assert.notEqual(now.secret, old.secret);
      await assert.rejects(connectApi({ url: second.apiUrl, secret: old.secret }), { code: 'UNAUTHORIZED' });
      // As a crash leaves it: api.json naming a process that has exited, whose port anyone may have taken since.
      const exited = spawnSync(process.execPath, ['-e', '']).pid;
      await writeFile(join(dir, 'api.json'), `${JSON.stringify({ url: 'ws://127.0.0.1:9/api', pid: exited })}\n`);
      await assert.rejects(readApiEndpoint(dir), { code: 'NODE_NOT_RUNNING' });
      await writeFile(join(dir, 'api.json'), '{ not json');
      await assert.rejects(readApiEndpoint(dir), { code: 'NODE_NOT_RUNNING' });
    } finally {
      await second.stop();
    }
  } finally {
    await removeDir(dir);
  }
});

test('with the secret, calls work and bad calls get clear errors', async () => {
  const api = await connectApi({ url: host.apiUrl, secret });
  try {
    const status = await api.call('node.status', {});
    assert.equal(status.peerId, host.peerId);
    assert.equal(status.identity, 'none');
    await assert.rejects(api.callRaw('node.shutdown', {}), { code: 'UNKNOWN_METHOD' });
    await assert.rejects(api.callRaw('identity.create', { passphrase: 7 }), { code: 'BAD_REQUEST' });
    await assert.rejects(api.callRaw('identity.create', { passphrase: 'long enough', extra: true }), { code: 'BAD_REQUEST' });
    await assert.rejects(api.callRaw('identity.create', { passphrase: 'short' }), { code: 'BAD_REQUEST' });
    await assert.rejects(api.callRaw('identity.unlock', { passphrase: 'whatever it is' }), { code: 'NO_IDENTITY' });
    assert.equal((await api.call('node.status', {})).identity, 'none', 'nothing changed');
  } finally {
    api.close();
  }
});

test('a malformed frame closes that connection and leaves the node serving', async () => {
  const { socket, closed } = await openAuthorizedApiSocket(host.apiUrl, secret);
  socket.send('{"id": "not a number", "method": 5');
  assert.equal(await closed, 1007);
  const api = await connectApi({ url: host.apiUrl, secret });
  assert.equal((await api.call('peers.list', {})).length, 0);
  api.close();
});

test('status events reach subscribers when the identity changes', async () => {
  const api = await connectApi({ url: host.apiUrl, secret });
  try {
    // Other status pushes (addresses settling) may come first: wait for the one that carries the change.
    const event = new Promise<string>((resolve) =>
      api.on('node.status', (status) => {
        if (status.identity !== 'none') resolve(status.identity);
      }),
    );
    const created = await api.call('identity.create', { passphrase: 'a long enough passphrase' });
    assert.match(created.address, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(await event, 'unlocked');
  } finally {
    api.close();
  }
});

test('web mode serves the UI with a strict Content-Security-Policy, only to 127.0.0.1 host names', async () => {
  assert.ok(host.uiUrl?.startsWith(`http://127.0.0.1:${port()}/#secret=`));
  const page = await fetch(`http://127.0.0.1:${port()}/`);
  assert.equal(page.status, 200);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(await page.text(), /DAOmesh/);
  const rebound = await new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port: port(), path: '/', headers: { host: 'attacker.example' } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
  assert.equal(rebound, 421);
});

test('a Range header of any shape gets the whole page, and the node keeps serving', async () => {
  const whole = await (await fetch(`http://127.0.0.1:${port()}/`)).text();
  // bytes=10-5 made the static server throw inside the request handler, which ended the node.
  for (const range of ['bytes=10-5', 'bytes=0-0,9-3', 'bytes=-0', 'bytes=99999999999999999999-', 'bytes=abc', 'items=0-1']) {
    const page = await fetch(`http://127.0.0.1:${port()}/`, { headers: { range } });
    assert.equal(page.status, 200, range);
    assert.equal(await page.text(), whole, range);
  }
  const api = await connectApi({ url: host.apiUrl, secret });
  assert.equal((await api.call('node.status', {})).peerId, host.peerId);
  api.close();
});

test('a file of the UI removed while the node runs (a rebuild, an upgrade) is not served, and the node keeps serving', async () => {
  // The static server lists the UI's files at start and streams the one asked for: the stream of a file gone
  // since then failed with no one listening, which ended the node, for any page that asked for it.
  await rm(join(uiDir, 'old-build.js'));
  const gone = fetch(`http://127.0.0.1:${port()}/old-build.js`, { signal: AbortSignal.timeout(5000) }).then((response) => response.text());
  // Its answer is cut off at once (its headers went before the file was found missing), not left hanging.
  await assert.rejects(gone, (error: Error) => error.name !== 'TimeoutError');
  assert.equal((await fetch(`http://127.0.0.1:${port()}/`)).status, 200);
  const api = await connectApi({ url: host.apiUrl, secret });
  assert.equal((await api.call('node.status', {})).peerId, host.peerId);
  api.close();
});
