// A Node client of the local API: used by the CLI, by Electron's main process to relay the window's calls,
// and by tests. Same frames as the UI's WebSocket transport.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { z } from 'zod';
import {
  bridgeEvents,
  bridgeMethods,
  type BridgeEvent,
  type BridgeEventData,
  type BridgeMethod,
  type BridgeParams,
  type BridgeResult,
} from '../../core/bridge/api.ts';
import { answerWaitMs, noAnswerError } from '../../core/bridge/answer-wait.ts';
import { answerToChallenge, isAuthAccepted, newAuthNonce, nonceProtocolPrefix, portOfUrl } from '../../core/bridge/api-auth.ts';
import { bridgeProtocol, ServerFrame } from '../../core/bridge/protocol.ts';
import { DaomeshError } from '../../core/errors.ts';
import { dataFiles, isAlive, processStartTime } from './data-dir.ts';

export type ApiEndpoint = { url: string; secret: string };

// `started` is required: a file without it was written before it was kept, and cannot be told from a stale one.
const EndpointFile = z.object({
  url: z.string().startsWith('ws://'),
  pid: z.number().int().positive(),
  started: z.string().regex(/^\d+$/).nullable(),
});

/** Finds the running node of `dataDir` from the files it writes there. */
export async function readApiEndpoint(dataDir: string): Promise<ApiEndpoint> {
  const start = `Start one with: daomesh node --data ${dataDir}`;
  const notRunning = new DaomeshError('NODE_NOT_RUNNING', `No DAOmesh node is running for ${dataDir}.`, start);
  const endpoint = await readFile(join(dataDir, dataFiles.apiEndpoint), 'utf8').then(
    (text) => EndpointFile.safeParse(parseJson(text)),
    () => null,
  );
  const secret = await readFile(join(dataDir, dataFiles.apiSecret), 'utf8').catch(() => null);
  if (!endpoint?.success || secret === null) throw notRunning;
  // A node that crashed leaves its api.json behind: its pid and port may now be another program's, which must
  // not be sent the secret.
  if (!(await endpointWriterRuns(endpoint.data))) {
    const { pid } = endpoint.data;
    throw new DaomeshError('NODE_NOT_RUNNING', `No DAOmesh node is running for ${dataDir}: the node that wrote its ${dataFiles.apiEndpoint} (pid ${pid}) has exited without removing it.`, start);
  }
  return { url: endpoint.data.url, secret: secret.trim() };
}

/**
 * Whether the process that wrote api.json still runs: its pid with its start time, as node.lock is checked.
 * Where the writer could record no start time (not Linux) the pid alone decides, as for node.lock. Unlike
 * node.lock, a start time that cannot be read now counts as another process: here doubt must not send the secret.
 */
async function endpointWriterRuns(writer: { pid: number; started: string | null }): Promise<boolean> {
  if (!isAlive(writer.pid)) return false;
  return writer.started === null || (await processStartTime(writer.pid)) === writer.started;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export type ApiClient = {
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  /** For relays: forwards a call as it is; the host validates it. */
  callRaw(method: string, params: unknown): Promise<unknown>;
  on<E extends BridgeEvent>(event: E, listener: (data: BridgeEventData<E>) => void): () => void;
  on(event: string, listener: (data: unknown) => void): () => void;
  close(): void;
};

/** The largest answer this client reads from the host. */
const maxAnswerBytes = 256 * 1024 * 1024;

/**
 * `timeoutMs`: how long the handshake may take; `answerTimeoutMs`: how long a call waits for its answer (a join
 * longer: core/bridge/answer-wait.ts), since a node that hangs keeps its socket open.
 */
export async function connectApi(endpoint: ApiEndpoint, options: { timeoutMs?: number; answerTimeoutMs?: number } = {}): Promise<ApiClient> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clientNonce = newAuthNonce();
  const socket = new WebSocket(endpoint.url, [bridgeProtocol, `${nonceProtocolPrefix}${clientNonce}`], {
    // The host's answers can be large: a DAO of 100k records is ~14 MB of dao.get (tens of thousands of
    // ignored records) and ~54 MB of dao.sync. The host is this machine's own node, reached over loopback.
    maxPayload: maxAnswerBytes,
    handshakeTimeout: timeoutMs,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      reject(
        response.statusCode === 401
          ? new DaomeshError('UNAUTHORIZED', 'The node refused the connection.', 'Use the --data directory of the node you mean to reach.')
          : new DaomeshError('NODE_NOT_RUNNING', `The node's API answered HTTP ${response.statusCode}.`),
      );
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      reject(new DaomeshError('NODE_NOT_RUNNING', `Cannot reach the DAOmesh node at ${endpoint.url} (${error.code ?? error.message}).`, 'Is `daomesh node` running?'));
    });
    socket.once('open', () => {
      proveSecret(socket, endpoint, clientNonce, timeoutMs).then(resolve, (error: unknown) => {
        socket.terminate();
        reject(error as Error);
      });
    });
  });

  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Set<(data: unknown) => void>>();

  socket.on('message', (data) => {
    let frame: z.infer<typeof ServerFrame>;
    try {
      frame = ServerFrame.parse(JSON.parse(data.toString()));
    } catch {
      return; // a host that cannot frame its answer is ignored, not trusted
    }
    if ('event' in frame) {
      const schema = (bridgeEvents as Record<string, z.ZodType | undefined>)[frame.event];
      const parsed = schema?.safeParse(frame.data);
      if (parsed?.success) for (const listener of listeners.get(frame.event) ?? []) listener(parsed.data);
      return;
    }
    const waiter = pending.get(frame.id);
    if (!waiter) return;
    pending.delete(frame.id);
    if ('error' in frame) waiter.reject(new DaomeshError(frame.error.code, frame.error.message, frame.error.hint));
    else waiter.resolve(frame.result);
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new DaomeshError('NODE_NOT_RUNNING', 'The connection to the node closed.'));
    pending.clear();
  });
  socket.on('error', () => {});
  socket.resume();

  const callRaw = (method: string, params: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) {
        reject(new DaomeshError('NODE_NOT_RUNNING', 'The connection to the node is closed.'));
        return;
      }
      const id = nextId++;
      const waitMs = answerWaitMs(method, options.answerTimeoutMs);
      // An answer that comes after this is dropped (the message handler finds no call for it).
      const timer = setTimeout(() => {
        if (pending.delete(id)) reject(noAnswerError(method, waitMs));
      }, waitMs);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      socket.send(JSON.stringify({ id, method, params }));
    });

  return {
    callRaw,
    async call(method, params) {
      const result = await callRaw(method, params);
      const parsed = bridgeMethods[method].result.safeParse(result);
      if (!parsed.success) throw new DaomeshError('INTERNAL', `The node sent a malformed answer to ${method}.`);
      return parsed.data as never;
    },
    on(event: string, listener: (data: never) => void) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (data: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (data: unknown) => void);
    },
    close: () => socket.close(),
  };
}

/**
 * The handshake after the upgrade (core/bridge/api-auth.ts): the node's proof is checked before this client
 * answers, so a program that is not the node learns nothing of the secret.
 */
function proveSecret(socket: WebSocket, endpoint: ApiEndpoint, clientNonce: string, timeoutMs: number): Promise<void> {
  const notTheNode = new DaomeshError(
    'UNAUTHORIZED',
    `The program listening at ${endpoint.url} did not prove it holds this data directory's API secret: it is not this node.`,
    'Use the --data directory of the node you mean to reach; if it crashed, start it again.',
  );
  const refused = new DaomeshError('UNAUTHORIZED', 'The node refused the API secret.', 'Use the --data directory of the node you mean to reach.');
  const port = portOfUrl(endpoint.url);
  return new Promise<void>((resolve, reject) => {
    let challenged = false;
    const finish = (error?: DaomeshError): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      if (error) return reject(error);
      // Frames after the acceptance (events) wait until the caller listens for them.
      socket.pause();
      resolve();
    };
    const timer = setTimeout(() => finish(challenged ? refused : notTheNode), timeoutMs);
    const onClose = (): void => finish(challenged ? refused : notTheNode);
    const onMessage = (data: WebSocket.RawData): void => {
      const json = parseJson(data.toString());
      if (!challenged) {
        const answer = port === null ? null : answerToChallenge(endpoint.secret, port, clientNonce, json);
        if (answer === null) return finish(notTheNode);
        challenged = true;
        socket.send(answer);
        return;
      }
      finish(isAuthAccepted(json) ? undefined : refused);
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
  });
}
