// The clients of the local API (the web-mode page's socket; the Node client of the CLI and of Electron's main
// process) against the node's real API server on 127.0.0.1, playing a node which hangs: it takes the connection
// and the calls, and answers only some. A call it never answers fails with a clear error instead of waiting for
// ever; the others go on, and an answer that comes too late is dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaomeshError } from '../core/errors.ts';
import { createWebSocketTransport } from '../app/bridge/websocket-transport.ts';
import { answerWaitMs } from '../core/bridge/answer-wait.ts';
import { connectApi } from '../electron-main/host/api-client.ts';
import { ApiServer } from '../electron-main/host/api-server.ts';

/**
 * A node's local API (the real server and its handshake) whose dispatch takes every call and answers all but
 * `dao.stuck`, which it answers only when told (`late`).
 */
async function hangingNode(t: { after: (fn: () => unknown) => void }): Promise<{ port: number; late: Array<() => void> }> {
  const late: Array<() => void> = [];
  const server = new ApiServer({
    port: 0,
    secret: 'test',
    uiDir: null,
    dispatch: (method) => new Promise((resolve) => (method === 'dao.stuck' ? late.push(() => resolve({ method })) : resolve({ method }))),
  });
  await server.start();
  t.after(() => server.stop());
  return { port: server.port, late };
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
