// The local API: the bridge over a WebSocket on 127.0.0.1, and in web mode the UI's files beside it.
// Only callers that prove they hold the data directory's secret get in (core/bridge/api-auth.ts: the node proves
// it first, and the secret never crosses the socket); a browser tab on another site is also stopped by the Origin
// check, and DNS rebinding by the Host check.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { toErrorInfo } from '../../core/bridge/dispatch.ts';
import { DaomeshError } from '../../core/errors.ts';
import {
  AuthAnswerFrame,
  clientProof,
  newAuthNonce,
  nodeProof,
  nonceOfProtocols,
  sameProof,
  unauthorizedCloseCode,
  type AuthRound,
} from '../../core/bridge/api-auth.ts';
import { bridgeProtocol, maxFrameBytes, RequestFrame } from '../../core/bridge/protocol.ts';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Mantine sets CSS variables in a style element
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The most connections the server holds at once. Each is a file descriptor of the node, and any program on this
 * machine may open them: unbounded, a flood of idle ones (each kept until the header timeout) took every descriptor,
 * and the node's store failed its writes with EMFILE. A UI tab needs a few, the CLI and Electron's relay one each.
 */
const maxConnections = 128;

export type ApiServerOptions = {
  host?: string;
  port: number;
  secret: string;
  /** The built UI to serve (web mode), or null for the API alone. */
  uiDir: string | null;
  dispatch: (method: string, params: unknown) => Promise<unknown>;
  onError?: (error: unknown) => void;
  /** How long a client has to answer the node's challenge (default 10 s). */
  authTimeoutMs?: number;
};

export class ApiServer {
  readonly #options: ApiServerOptions;
  readonly #http: Server;
  readonly #sockets: WebSocketServer;
  /** Sockets whose client has proven it holds the secret: the only ones served and sent events. */
  readonly #authorized = new WeakSet<WebSocket>();
  #port = 0;

  constructor(options: ApiServerOptions) {
    this.#options = options;
    const serveUi = options.uiDir ? sirv(options.uiDir, { dev: false, etag: true, gzip: false, brotli: false }) : null;
    this.#http = createServer((request, response) => this.#serveHttp(request, response, serveUi));
    this.#http.maxConnections = maxConnections;
    this.#sockets = new WebSocketServer({
      noServer: true,
      maxPayload: maxFrameBytes,
      handleProtocols: (protocols) => (protocols.has(bridgeProtocol) ? bridgeProtocol : false),
    });
    this.#http.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
    this.#sockets.on('connection', (socket: WebSocket, request: IncomingMessage) => this.#serveSocket(socket, request));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, this.#options.port));
      this.#http.once('error', failed);
      this.#http.listen(this.#options.port, this.#options.host ?? '127.0.0.1', () => {
        this.#http.off('error', failed);
        resolve();
      });
    });
    this.#port = (this.#http.address() as AddressInfo).port;
  }

  get port(): number {
    return this.#port;
  }

  get apiUrl(): string {
    return `ws://127.0.0.1:${this.#port}/api`;
  }

  /** The page to open in web mode; the secret rides in the fragment, which browsers never send to a server. */
  get uiUrl(): string | null {
    return this.#options.uiDir ? `http://127.0.0.1:${this.#port}/#secret=${this.#options.secret}` : null;
  }

  broadcast(event: string, data: unknown): void {
    const frame = JSON.stringify({ event, data });
    for (const client of this.#sockets.clients) {
      if (client.readyState === client.OPEN && this.#authorized.has(client)) client.send(frame);
    }
  }

  async stop(): Promise<void> {
    for (const client of this.#sockets.clients) client.terminate();
    this.#sockets.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #allowedHosts(): Set<string> {
    return new Set([`127.0.0.1:${this.#port}`, `localhost:${this.#port}`]);
  }

  #serveHttp(request: IncomingMessage, response: ServerResponse, serveUi: ReturnType<typeof sirv> | null): void {
    if (!this.#allowedHosts().has(request.headers.host ?? '')) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request\n');
      return;
    }
    response.setHeader('content-security-policy', contentSecurityPolicy);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('x-frame-options', 'DENY');
    response.setHeader('referrer-policy', 'no-referrer');
    response.setHeader('cross-origin-opener-policy', 'same-origin');
    response.setHeader('cross-origin-resource-policy', 'same-origin');
    if (serveUi === null || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    // The UI is a few small files: a Range request gets the whole file. sirv hands a reversed range (bytes=10-5)
    // to fs.createReadStream, which throws inside this handler and ended the node; anyone here can send one.
    delete request.headers.range;
    // sirv lists the UI's files at start and pipes a read stream of the one asked for. A file gone since (a rebuild
    // or an upgrade while the node runs) fails that stream after the headers went, and an 'error' no one hears
    // ended the node: the answer is cut off instead.
    response.once('pipe', (file) => {
      file.once('error', (error) => {
        this.#options.onError?.(error);
        response.destroy();
      });
    });
    try {
      serveUi(request, response, () => {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      });
    } catch (error) {
      this.#options.onError?.(error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end();
    }
  }

  /**
   * Anyone on this machine, and any web page through the browser, can reach this handler, so nothing in it may
   * throw: a throw in an 'upgrade' listener would end the node.
   */
  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      if (!this.#allowedHosts().has(request.headers.host ?? '')) return refuse(421, 'Misdirected Request');
      // The request-target compared as it came: parsing it (new URL) throws on targets such as "//".
      const target = request.url ?? '';
      if (target !== '/api' && !target.startsWith('/api?')) return refuse(404, 'Not Found');
      const origin = request.headers.origin;
      // Non-browser clients (the CLI, Electron's relay) send no Origin; a browser always does.
      if (origin !== undefined && !this.#allowedHosts().has(origin.replace(/^http:\/\//, ''))) return refuse(403, 'Forbidden');
      // The secret is proven on the socket; an upgrade without the nonce to prove it with cannot start.
      if (nonceOfProtocols(protocolsOf(request)) === null) return refuse(401, 'Unauthorized');
      this.#sockets.handleUpgrade(request, socket, head, (client) => this.#sockets.emit('connection', client, request));
    } catch (error) {
      this.#options.onError?.(error);
      socket.destroy();
    }
  }

  #serveSocket(socket: WebSocket, request: IncomingMessage): void {
    socket.on('error', () => socket.terminate());
    const round: AuthRound = { port: this.#port, clientNonce: nonceOfProtocols(protocolsOf(request)) ?? '', nodeNonce: newAuthNonce() };
    const refuse = (): void => socket.close(unauthorizedCloseCode, 'Unauthorized');
    const timer = setTimeout(refuse, this.#options.authTimeoutMs ?? 10_000);
    socket.once('close', () => clearTimeout(timer));
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      if (this.#authorized.has(socket)) {
        void this.#answer(socket, text);
        return;
      }
      // Until the client has answered the challenge, its one frame is the answer; anything else ends the socket.
      clearTimeout(timer);
      const answer = AuthAnswerFrame.safeParse(parseJson(text));
      if (!answer.success || !sameProof(answer.data.answer, clientProof(this.#options.secret, round))) return refuse();
      this.#authorized.add(socket);
      socket.send(JSON.stringify({ authorized: true }));
    });
    socket.send(JSON.stringify({ challenge: { nonce: round.nodeNonce, proof: nodeProof(this.#options.secret, round) } }));
  }

  async #answer(socket: WebSocket, text: string | null): Promise<void> {
    const parsed = RequestFrame.safeParse(parseJson(text));
    if (!parsed.success) {
      // A peer that cannot frame a request gets told once, then dropped.
      socket.close(1007, 'Malformed request frame');
      return;
    }
    const frame = parsed.data;
    let reply: object;
    try {
      reply = { id: frame.id, result: (await this.#options.dispatch(frame.method, frame.params)) ?? null };
    } catch (error) {
      const info = toErrorInfo(error);
      if (info.code === 'INTERNAL') this.#options.onError?.(error);
      reply = { id: frame.id, error: info };
    }
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
  }
}

/** A port that cannot be had, said plainly (it is the user's --api-port); any other failure as it is. */
function listenError(error: NodeJS.ErrnoException, port: number): Error {
  const problem = error.code === 'EADDRINUSE' ? 'it is in use by another program' : error.code === 'EACCES' ? 'this user may not listen on it' : null;
  if (problem === null) return error;
  return new DaomeshError('BAD_REQUEST', `The local API cannot listen on port ${port}: ${problem}.`, 'Choose another with --api-port, or leave it out for any free port.');
}

function protocolsOf(request: IncomingMessage): string[] {
  return (request.headers['sec-websocket-protocol'] ?? '').split(',').map((value) => value.trim());
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
