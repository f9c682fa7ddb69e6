// The local API: the bridge over a WebSocket on 127.0.0.1, and in web mode the UI's files beside it.
// Only callers holding the data directory's secret get in; a browser tab on another site is also stopped
// by the Origin check, and DNS rebinding by the Host check.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { toErrorInfo } from '../../core/bridge/dispatch.ts';
import { bridgeProtocol, maxFrameBytes, RequestFrame, secretProtocolPrefix } from '../../core/bridge/protocol.ts';

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

export type ApiServerOptions = {
  host?: string;
  port: number;
  secret: string;
  /** The built UI to serve (web mode), or null for the API alone. */
  uiDir: string | null;
  dispatch: (method: string, params: unknown) => Promise<unknown>;
  onError?: (error: unknown) => void;
};

export class ApiServer {
  readonly #options: ApiServerOptions;
  readonly #http: Server;
  readonly #sockets: WebSocketServer;
  #port = 0;

  constructor(options: ApiServerOptions) {
    this.#options = options;
    const serveUi = options.uiDir ? sirv(options.uiDir, { dev: false, etag: true, gzip: false, brotli: false }) : null;
    this.#http = createServer((request, response) => this.#serveHttp(request, response, serveUi));
    this.#sockets = new WebSocketServer({
      noServer: true,
      maxPayload: maxFrameBytes,
      handleProtocols: (protocols) => (protocols.has(bridgeProtocol) ? bridgeProtocol : false),
    });
    this.#http.on('upgrade', (request, socket, head) => this.#upgrade(request, socket, head));
    this.#sockets.on('connection', (socket) => this.#serveSocket(socket));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#options.port, this.#options.host ?? '127.0.0.1', () => {
        this.#http.off('error', reject);
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
      if (client.readyState === client.OPEN) client.send(frame);
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
      if (!this.#hasSecret(request.headers['sec-websocket-protocol'])) return refuse(401, 'Unauthorized');
      this.#sockets.handleUpgrade(request, socket, head, (client) => this.#sockets.emit('connection', client, request));
    } catch (error) {
      this.#options.onError?.(error);
      socket.destroy();
    }
  }

  #hasSecret(header: string | undefined): boolean {
    const expected = Buffer.from(this.#options.secret);
    for (const protocol of (header ?? '').split(',').map((value) => value.trim())) {
      if (!protocol.startsWith(secretProtocolPrefix)) continue;
      const given = Buffer.from(protocol.slice(secretProtocolPrefix.length));
      if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    }
    return false;
  }

  #serveSocket(socket: WebSocket): void {
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => {
      void this.#answer(socket, isBinary ? null : data.toString());
    });
  }

  async #answer(socket: WebSocket, text: string | null): Promise<void> {
    let frame: RequestFrame;
    try {
      const parsed = RequestFrame.safeParse(text === null ? null : JSON.parse(text));
      if (!parsed.success) throw new Error('bad frame');
      frame = parsed.data;
    } catch {
      // A peer that cannot frame a request gets told once, then dropped.
      socket.close(1007, 'Malformed request frame');
      return;
    }
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
