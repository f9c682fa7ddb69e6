// The clients of the local API (the web-mode page's socket; the Node client of the CLI and of Electron's main
// process) against a real WebSocket server on 127.0.0.1 that plays a node which hangs: it takes the connection
// and the calls, and answers only some. A call it never answers fails with a clear error instead of waiting for
// ever; the others go on, and an answer that comes too late is dropped.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { bridgeProtocol } from '../core/bridge/protocol.ts';
import { DaomeshError } from '../core/errors.ts';
import { createWebSocketTransport } from '../app/bridge/websocket-transport.ts';
import { answerWaitMs } from '../core/bridge/answer-wait.ts';
import { connectApi } from '../electron-main/host/api-client.ts';

/** A node that takes every call and answers all but `dao.stuck`, which it answers only when told (`late`). */
async function hangingNode(t: { after: (fn: () => unknown) => void }): Promise<{ port: number; late: Array<() => void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has(bridgeProtocol) ? bridgeProtocol : false) });
  await once(server, 'listening');
  t.after(() => {
    for (const client of server.clients) client.terminate();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const late: Array<() => void> = [];
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const { id, method } = JSON.parse(String(data)) as { id: number; method: string };
      const answer = () => socket.send(JSON.stringify({ id, result: { method } }));
      if (method === 'dao.stuck') late.push(answer);
      else answer();
    });
  });
  return { port: (server.address() as AddressInfo).port, late };
}

test('a call the node never answers fails after the answer timeout, with the method named; other calls are answered', { timeout: 20_000 }, async (t) => {
  const { port, late } = await hangingNode(t);
  const transport = createWebSocketTransport({ url: `ws://127.0.0.1:${port}/api`, secret: 'test', isHostUp: async () => true, answerTimeoutMs: 300 });
  t.after(() => transport.close());

  const stuck = transport.call('dao.stuck', {});
  assert.deepEqual(await transport.call('node.status', {}), { method: 'node.status' }, 'the socket still carries other calls');
  await assert.rejects(stuck, (error: unknown) => error instanceof DaomeshError && error.code === 'NODE_NOT_RUNNING' && /did not answer dao\.stuck within/.test(error.message));
  for (const answer of late) answer();
  assert.deepEqual(await transport.call('node.status', {}), { method: 'node.status' }, 'the late answer went nowhere');
  assert.equal(transport.connection.get(), 'open');
});

test('the CLI\'s and Electron\'s client of the API gives up on a call the node never answers, naming it; a join may take 15 minutes', { timeout: 20_000 }, async (t) => {
  const { port, late } = await hangingNode(t);
  const client = await connectApi({ url: `ws://127.0.0.1:${port}/api`, secret: 'test' }, { answerTimeoutMs: 300 });
  t.after(() => client.close());
  const stuck = client.callRaw('dao.stuck', {});
  assert.deepEqual(await client.callRaw('node.status', {}), { method: 'node.status' }, 'the socket still carries other calls');
  await assert.rejects(stuck, (error: unknown) => error instanceof DaomeshError && error.code === 'NODE_NOT_RUNNING' && /did not answer dao\.stuck within/.test(error.message));
  for (const answer of late) answer();
  assert.deepEqual(await client.callRaw('node.status', {}), { method: 'node.status' }, 'the late answer went nowhere');
  assert.deepEqual([answerWaitMs('dao.get'), answerWaitMs('dao.join'), answerWaitMs('dao.join', 300), answerWaitMs('toString', 300)], [120_000, 900_000, 900_000, 300]);
});
