// Web mode: the bridge over one WebSocket to the host, which reconnects with backoff when it drops.
// Calls made while disconnected wait for the next connection, up to a limit, instead of failing at once,
// so a node restart or a laptop waking up does not surface as an error. The socket counts as open once the node
// and this page have proven to each other that they hold the secret (core/bridge/api-auth.ts).
import { answerToChallenge, isAuthAccepted, newAuthNonce, nonceProtocolPrefix, portOfUrl, unauthorizedCloseCode } from '../../core/bridge/api-auth.ts';
import { bridgeProtocol, ServerFrame } from '../../core/bridge/protocol.ts';
import type { DaomeshError } from '../../core/errors.ts';
import { answerWaitMs, defaultAnswerWaitMs, noAnswerError } from '../../core/bridge/answer-wait.ts';
import { connectionLostError, errorFromHost, unauthorizedError, unreachableError } from './bridge-error.ts';
import { createConnectionStore, type ConnectionMonitor } from './connection-state.ts';
import type { RawTransport } from './raw-transport.ts';

export interface WebSocketTransportOptions {
  url: string;
  secret: string;
  /**
   * Resolves true when the host answers plain HTTP. A browser hides why a handshake failed, so a
   * failed handshake while the host is up is how a refused secret shows itself.
   */
  isHostUp: () => Promise<boolean>;
  /** How long a call waits for a connection before it fails. */
  connectTimeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Failed handshakes in a row, with the host up, before the secret counts as refused. */
  refusalsBeforeUnauthorized?: number;
  /** How long a call sent waits for its answer before it fails (a node that hangs keeps its socket open). */
  answerTimeoutMs?: number;
}

export interface WebSocketTransport extends RawTransport {
  connection: ConnectionMonitor;
  close(): void;
}

// Close codes a host may use for a refused secret: policy violation, and the 4xxx mirror of HTTP 401/403.
const unauthorizedCloseCodes = new Set([1008, 4001, unauthorizedCloseCode, 4403]);

interface Waiting {
  send: () => void;
  fail: (error: DaomeshError) => void;
}

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const initialBackoffMs = options.initialBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const refusalsBeforeUnauthorized = options.refusalsBeforeUnauthorized ?? 2;
  const answerTimeoutMs = options.answerTimeoutMs ?? defaultAnswerWaitMs;

  const connection = createConnectionStore('connecting');
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: DaomeshError) => void }>();
  const waiting = new Set<Waiting>();
  /** The socket of the current attempt, from its upgrade on. */
  let socket: WebSocket | null = null;
  /** The same socket once the handshake has proven both sides: calls go only to it. */
  let ready: WebSocket | null = null;
  let nextId = 1;
  let failedAttempts = 0;
  let refusals = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function connect(): void {
    if (closed || connection.get() === 'unauthorized') return;
    connection.set('connecting');
    const port = portOfUrl(options.url);
    const clientNonce = newAuthNonce();
    let ws: WebSocket;
    try {
      if (port === null) throw new Error('not a ws: URL');
      ws = new WebSocket(options.url, [bridgeProtocol, nonceProtocolPrefix + clientNonce]);
    } catch {
      // The constructor throws only on a malformed URL or protocol token: a retry cannot help.
      becomeUnauthorized();
      return;
    }
    socket = ws;
    let opened = false;
    /** The node's challenge came and was answered; its acceptance is awaited. */
    let answered = false;
    // A program that takes the connection and says nothing is dropped, and tried again later.
    const handshakeTimer = setTimeout(() => ws.close(), connectTimeoutMs);

    ws.onmessage = (message) => {
      if (opened) {
        receive(message.data);
        return;
      }
      const json = parseJson(message.data);
      if (answered) {
        if (!isAuthAccepted(json)) return;
        clearTimeout(handshakeTimer);
        opened = true;
        ready = ws;
        failedAttempts = 0;
        refusals = 0;
        connection.set('open');
        for (const entry of [...waiting]) entry.send();
        return;
      }
      const answer = answerToChallenge(options.secret, port, clientNonce, json);
      if (answer === null) {
        // Not the node this page was opened for (it cannot prove it holds the secret): nothing more goes to it,
        // and nothing is tried again.
        clearTimeout(handshakeTimer);
        ws.onclose = null;
        ws.close();
        if (socket === ws) socket = null;
        becomeUnauthorized();
        return;
      }
      answered = true;
      ws.send(answer);
    };
    ws.onclose = (event) => {
      clearTimeout(handshakeTimer);
      if (socket === ws) socket = null;
      if (ready === ws) ready = null;
      failPending(connectionLostError());
      if (closed) return;
      if (unauthorizedCloseCodes.has(event.code)) {
        becomeUnauthorized();
        return;
      }
      if (opened) {
        scheduleReconnect();
        return;
      }
      void options.isHostUp().then((up) => {
        refusals = up ? refusals + 1 : 0;
        if (refusals >= refusalsBeforeUnauthorized) becomeUnauthorized();
        else scheduleReconnect();
      });
    };
  }

  function scheduleReconnect(): void {
    if (closed || connection.get() === 'unauthorized') return;
    connection.set('connecting');
    // Exponential backoff with jitter, so several tabs do not hammer a restarting node in step.
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** failedAttempts);
    failedAttempts += 1;
    reconnectTimer = setTimeout(connect, base * (0.8 + Math.random() * 0.4));
  }

  function becomeUnauthorized(): void {
    connection.set('unauthorized');
    clearTimeout(reconnectTimer);
    const error = unauthorizedError();
    failPending(error);
    for (const entry of [...waiting]) entry.fail(error);
  }

  function failPending(error: DaomeshError): void {
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) call.reject(error);
  }

  function parseJson(data: unknown): unknown {
    if (typeof data !== 'string') return undefined;
    try {
      return JSON.parse(data);
    } catch {
      return undefined;
    }
  }

  function receive(data: unknown): void {
    const json = parseJson(data);
    if (json === undefined) {
      console.warn('daomesh: dropped a frame from the node that is not JSON text');
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) {
      console.warn('daomesh: dropped a malformed frame from the node', parsed.error.issues);
      return;
    }
    const frame = parsed.data;
    if ('event' in frame) {
      for (const listener of [...(listeners.get(frame.event) ?? [])]) listener(frame.data);
      return;
    }
    const call = pending.get(frame.id);
    if (!call) return;
    pending.delete(frame.id);
    if ('error' in frame) call.reject(errorFromHost(frame.error));
    else call.resolve(frame.result);
  }

  function call(method: string, params: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (closed || connection.get() === 'unauthorized') {
        reject(unauthorizedError());
        return;
      }
      const waitMs = answerWaitMs(method, answerTimeoutMs);
      // False when there is no open socket right now; the call then waits for the next one.
      const trySend = (): boolean => {
        const ws = ready;
        if (!ws || ws.readyState !== WebSocket.OPEN) return false;
        const id = nextId++;
        const answerTimer = setTimeout(() => {
          // An answer that comes after this is dropped (receive finds no call for it).
          if (pending.delete(id)) reject(noAnswerError(method, waitMs));
        }, waitMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(answerTimer);
            resolve(value);
          },
          reject: (error) => {
            clearTimeout(answerTimer);
            reject(error);
          },
        });
        try {
          ws.send(JSON.stringify({ id, method, params }));
        } catch {
          pending.delete(id);
          clearTimeout(answerTimer);
          reject(connectionLostError());
        }
        return true;
      };
      if (trySend()) return;
      const entry: Waiting = {
        send: () => {
          if (!trySend()) return;
          clearTimeout(timer);
          waiting.delete(entry);
        },
        fail: (error) => {
          clearTimeout(timer);
          waiting.delete(entry);
          reject(error);
        },
      };
      const timer = setTimeout(() => entry.fail(unreachableError()), connectTimeoutMs);
      waiting.add(entry);
    });
  }

  function on(event: string, listener: (data: unknown) => void): () => void {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      listeners.get(event)?.delete(listener);
    };
  }

  function close(): void {
    closed = true;
    clearTimeout(reconnectTimer);
    socket?.close();
    socket = null;
    ready = null;
    const error = unreachableError();
    failPending(error);
    for (const entry of [...waiting]) entry.fail(error);
  }

  connect();
  return { call, on, connection, close };
}
