// The handshake of the local API (core/bridge/api-auth.ts) against the programs it is there for: one that took the
// port of a node that crashed (and answers anything, or nothing), one that relays the handshake to the real node
// from another port, and clients that skip or fake their part. The secret never reaches any of them, and the node
// serves no one who has not proven it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { createWebSocketTransport } from '../app/bridge/websocket-transport.ts';
import { newAuthNonce, unauthorizedCloseCode } from '../core/bridge/api-auth.ts';
import { bridgeProtocol } from '../core/bridge/protocol.ts';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { ApiServer } from '../electron-main/host/api-server.ts';
import { startHost, type Host } from '../electron-main/host/host.ts';
import { openAuthorizedApiSocket, openRawApiSocket } from './fixtures/api-socket.ts';
import { makeDataDir, removeDir } from './fixtures/cli.ts';

let host: Host;
let dataDir: string;
let secret: string;

before(async () => {
  dataDir = await makeDataDir();
  host = await startHost({ dataDir, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false });
  secret = (await readApiEndpoint(dataDir)).secret;
});

after(async () => {
  await host?.stop();
  await removeDir(dataDir);
});

type Impostor = { url: string; received: string[]; upgrades: string[] };

/**
 * A program on some port that speaks WebSocket, takes the bridge's upgrade and then does `behave` with each
 * connection; it records every frame a client sends it, and the subprotocols of every upgrade.
 */
async function impostor(t: { after: (fn: () => unknown) => void }, behave: (socket: WebSocket, protocols: string[]) => void): Promise<Impostor> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has(bridgeProtocol) ? bridgeProtocol : false) });
  await once(server, 'listening');
  t.after(() => {
    for (const client of server.clients) client.terminate();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const received: string[] = [];
  const upgrades: string[] = [];
  server.on('connection', (socket, request) => {
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
    upgrades.push(...protocols);
    socket.on('message', (data) => received.push(data.toString()));
    behave(socket, protocols);
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api`, received, upgrades };
}

function assertSecretNotIn(program: Impostor): void {
  for (const text of [...program.received, ...program.upgrades]) assert.ok(!text.includes(secret), `the secret reached the program: ${text}`);
}

const notTheNode = (error: unknown): boolean =>
  error instanceof Error && (error as { code?: string }).code === 'UNAUTHORIZED' && /did not prove it holds this data directory's API secret/.test(error.message);

test('a program on a stale port that sends a made-up challenge, or a request, or nothing, is sent nothing and refused', async (t) => {
  const madeUp = await impostor(t, (socket) => socket.send(JSON.stringify({ challenge: { nonce: newAuthNonce(), proof: newAuthNonce() } })));
  const requestLike = await impostor(t, (socket) => socket.send(JSON.stringify({ id: 1, result: { identity: 'unlocked' } })));
  const silent = await impostor(t, () => {});
  for (const program of [madeUp, requestLike, silent]) {
    await assert.rejects(connectApi({ url: program.url, secret }, { timeoutMs: 500 }), notTheNode);
    assert.deepEqual(program.received, [], 'the client sent the program nothing');
    assertSecretNotIn(program);
  }
});

test('the web page does not answer a program that cannot prove the secret, and stops trying', async (t) => {
  const program = await impostor(t, (socket) => socket.send(JSON.stringify({ challenge: { nonce: newAuthNonce(), proof: newAuthNonce() } })));
  const transport = createWebSocketTransport({ url: program.url, secret, isHostUp: async () => true });
  t.after(() => transport.close());
  await assert.rejects(transport.call('node.status', {}), { code: 'UNAUTHORIZED' });
  assert.equal(transport.connection.get(), 'unauthorized');
  assert.deepEqual(program.received, []);
  assertSecretNotIn(program);
});

test('a program that relays the handshake to the real node from another port gets a proof the client refuses', async (t) => {
  let nodeAnswered = false;
  const relay = await impostor(t, (client, protocols) => {
    // Everything the client sends goes on to the real node, and everything the node sends comes back.
    const node = new WebSocket(host.apiUrl, protocols);
    node.on('message', (data) => client.send(data.toString()));
    node.on('close', (code) => {
      nodeAnswered ||= code !== unauthorizedCloseCode;
      client.terminate();
    });
    client.on('message', (data) => {
      if (node.readyState === WebSocket.OPEN) node.send(data.toString());
    });
    client.on('close', () => node.terminate());
  });
  await assert.rejects(connectApi({ url: relay.url, secret }, { timeoutMs: 2_000 }), notTheNode);
  assert.deepEqual(relay.received, [], 'the client answered nothing: the relay has nothing to pass on');
  assertSecretNotIn(relay);
  assert.equal(nodeAnswered, false);
});

test('the node serves no socket that has not answered its challenge, and closes one that answers wrong', async () => {
  // A request in place of the answer is not dispatched: the identity it would create is not there.
  const early = await openRawApiSocket(host.apiUrl);
  await early.nextFrame();
  early.socket.send(JSON.stringify({ id: 1, method: 'identity.create', params: { passphrase: 'a long enough passphrase' } }));
  assert.equal(await early.closed, unauthorizedCloseCode);

  for (const answer of [{ answer: newAuthNonce() }, { answer: 'not hex' }, { answer: newAuthNonce(), extra: 1 }, 'not json']) {
    const raw = await openRawApiSocket(host.apiUrl);
    await raw.nextFrame();
    raw.socket.send(typeof answer === 'string' ? answer : JSON.stringify(answer));
    assert.equal(await raw.closed, unauthorizedCloseCode, JSON.stringify(answer));
    assert.equal(raw.frames.length, 1, 'nothing after the challenge');
  }

  // A socket that has not answered is sent no events: the identity made below reaches only the answered one.
  const waiting = await openRawApiSocket(host.apiUrl);
  const answered = await openAuthorizedApiSocket(host.apiUrl, secret);
  const api = await connectApi({ url: host.apiUrl, secret });
  try {
    assert.equal((await api.call('node.status', {})).identity, 'none', 'the early request created nothing');
    const event = new Promise<void>((resolve) => api.on('node.status', (status) => status.identity === 'unlocked' && resolve()));
    await api.call('identity.create', { passphrase: 'a long enough passphrase' });
    await event;
    await api.call('node.status', {});
    assert.ok(answered.frames.some((frame) => (frame as { event?: string }).event === 'node.status'));
    assert.equal(waiting.frames.length, 1, 'only the challenge');
  } finally {
    api.close();
    answered.socket.close();
    waiting.socket.close();
  }
});

test('a client that never answers is closed when its time is up', async (t) => {
  const dispatched: string[] = [];
  const server = new ApiServer({ port: 0, secret, uiDir: null, authTimeoutMs: 200, dispatch: async (method) => void dispatched.push(method) });
  await server.start();
  t.after(() => server.stop());
  const silent = await openRawApiSocket(server.apiUrl);
  assert.equal(await silent.closed, unauthorizedCloseCode);
  const api = await connectApi({ url: server.apiUrl, secret });
  await api.callRaw('node.status', {});
  api.close();
  assert.deepEqual(dispatched, ['node.status']);
});
