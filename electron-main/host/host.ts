// The host service: wires the data directory, keys, the libp2p node and the local API into one node.
// Components in, start/stop out, no globals, so a test can run several hosts in one process.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeStatus } from '../../core/bridge/api.ts';
import { dispatchBridgeCall, type BridgeHandlers } from '../../core/bridge/dispatch.ts';
import { appVersion } from '../../core/version.ts';
import { connectedPeers, createMeshNode, listenAddresses, type MeshNode } from '../../p2p/mesh-node.ts';
import { ApiServer } from './api-server.ts';
import { DaoService } from './dao-service.ts';
import { dataFiles, loadOrCreateApiSecret, lockDataDir, writeFileAtomic, type DataDirLock } from './data-dir.ts';
import { loadOrCreateDeviceKey } from './device-key.ts';
import { MemberKeystore, defaultScryptParams } from './keystore.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';

export type HostOptions = {
  dataDir: string;
  listen?: string[];
  bootstrap?: string[];
  mdns?: boolean;
  mdnsInterval?: number;
  /** Serve the UI (web mode). */
  ui?: boolean;
  uiDir?: string;
  apiPort?: number;
  scryptParams?: { N: number; r: number; p: number };
  log?: (line: string) => void;
};

export type Host = {
  readonly peerId: string;
  readonly apiUrl: string;
  readonly uiUrl: string | null;
  readonly keystore: MemberKeystore;
  readonly mesh: MeshNode;
  readonly daos: DaoService;
  status(): NodeStatus;
  stop(): Promise<void>;
};

export const defaultListen = ['/ip4/0.0.0.0/tcp/0'];

/** Where the built UI is: dist/app from the source tree, or beside the bundled host. */
export function findUiDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', '..', 'dist', 'app'), join(here, '..', 'app')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

export async function startHost(options: HostOptions): Promise<Host> {
  const log = options.log ?? (() => {});
  const lock: DataDirLock = await lockDataDir(options.dataDir);
  const cleanup: Array<() => Promise<void>> = [() => lock.release()];
  const unwind = async (): Promise<void> => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    const deviceKey = await loadOrCreateDeviceKey(options.dataDir);
    const keystore = await MemberKeystore.open(options.dataDir, options.scryptParams ?? defaultScryptParams);
    const secret = await loadOrCreateApiSecret(options.dataDir);
    const mdns = options.mdns ?? true;

    const mesh = await createMeshNode({
      privateKey: deviceKey,
      listen: options.listen ?? defaultListen,
      bootstrap: options.bootstrap ?? [],
      mdns,
      ...(options.mdnsInterval === undefined ? {} : { mdnsInterval: options.mdnsInterval }),
    });
    await mesh.start();
    cleanup.push(async () => {
      await mesh.stop();
    });

    const status = (): NodeStatus => ({
      version: appVersion,
      identity: keystore.state,
      address: keystore.address,
      peerId: mesh.peerId.toString(),
      listen: listenAddresses(mesh),
      peers: connectedPeers(mesh),
      mdns,
    });

    let api: ApiServer | null = null;
    const daos = await DaoService.open({
      dataDir: options.dataDir,
      verify: createNativeEd25519Verify(),
      memberKey: () => keystore.key,
      memberAddress: () => keystore.address,
      onChanged: (dao) => api?.broadcast('dao.changed', { dao }),
    });
    cleanup.push(() => daos.close());
    let pending: ReturnType<typeof setTimeout> | null = null;
    // Peers come and go in bursts; coalesce them into one status push.
    const statusChanged = (): void => {
      if (pending !== null) return;
      pending = setTimeout(() => {
        pending = null;
        api?.broadcast('node.status', status());
      }, 50);
    };

    const handlers: BridgeHandlers = {
      'node.status': () => status(),
      'peers.list': () => connectedPeers(mesh),
      'identity.create': async ({ passphrase }) => {
        const created = await keystore.create(passphrase);
        statusChanged();
        return created;
      },
      'identity.restore': async ({ phrase, passphrase }) => {
        const restored = await keystore.restore(phrase, passphrase);
        statusChanged();
        return restored;
      },
      'identity.unlock': async ({ passphrase }) => {
        const unlocked = await keystore.unlock(passphrase);
        statusChanged();
        return unlocked;
      },
      'identity.lock': () => {
        keystore.lock();
        statusChanged();
        return {};
      },
      'identity.backup': ({ passphrase }) => keystore.backup(passphrase),
      'dao.list': () => daos.list(),
      'dao.create': (params) => daos.create(params),
      'dao.get': ({ dao }) => daos.get(dao),
      'dao.propose': (params) => daos.propose(params),
      'dao.vote': (params) => daos.vote(params),
      'dao.signTally': (params) => daos.signTally(params),
      'dao.withdraw': (params) => daos.withdraw(params),
      'dao.rageQuit': (params) => daos.rageQuit(params),
    };

    const uiDir = options.ui ? (options.uiDir ?? findUiDir()) : null;
    if (options.ui && uiDir === null) log('The UI has not been built (run `npm run build`); serving the API only.');
    api = new ApiServer({
      port: options.apiPort ?? 0,
      secret,
      uiDir,
      dispatch: (method, params) => dispatchBridgeCall(handlers, method, params),
      onError: (error) => log(`bridge handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
    await api.start();
    const server = api;
    cleanup.push(() => server.stop());

    for (const event of ['peer:connect', 'peer:disconnect', 'self:peer:update'] as const) {
      mesh.addEventListener(event, statusChanged);
    }
    cleanup.push(async () => {
      if (pending !== null) clearTimeout(pending);
      for (const event of ['peer:connect', 'peer:disconnect', 'self:peer:update'] as const) {
        mesh.removeEventListener(event, statusChanged);
      }
    });

    const endpointPath = join(options.dataDir, dataFiles.apiEndpoint);
    await writeFileAtomic(endpointPath, `${JSON.stringify({ url: server.apiUrl, pid: process.pid })}\n`);
    cleanup.push(() => rm(endpointPath, { force: true }));

    let stopped: Promise<void> | null = null;
    return {
      peerId: mesh.peerId.toString(),
      apiUrl: server.apiUrl,
      uiUrl: server.uiUrl,
      keystore,
      mesh,
      daos,
      status,
      stop: () => {
        keystore.lock();
        stopped ??= unwind();
        return stopped;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}
