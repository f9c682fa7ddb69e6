// The host service: wires the data directory, keys, the libp2p node and the local API into one node.
// Components in, start/stop out, no globals, so a test can run several hosts in one process.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BridgeMethod, BridgeParams, BridgeResult, DaoSyncStatus, NodeStatus } from '../../core/bridge/api.ts';
import { dispatchBridgeCall, type BridgeHandlers } from '../../core/bridge/dispatch.ts';
import { appVersion } from '../../core/version.ts';
import type { ConnectionGater } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { DaomeshError } from '../../core/errors.ts';
import type { Ed25519Verify } from '../../core/ledger/verifier.ts';
import { defaultInviteLifetimeMs, invitePrefix, parseInviteCode } from '../../core/sync/invite.ts';
import { DaoSync } from '../../p2p/dao-sync.ts';
import { SyncRefusedError } from '../../p2p/dao-sync-session.ts';
import { DaoDiscovery } from '../../p2p/dao-discovery.ts';
import { connectedPeers, createMeshNode, dialableAddress, listenAddresses, peerOfAddress, relayListenAddress, type MeshNode } from '../../p2p/mesh-node.ts';
import { ApiServer } from './api-server.ts';
import { DaoService, type OnlineNode } from './dao-service.ts';
import { dataFiles, createApiSecret, lockDataDir, processStartTime, removeStaleTemporaries, writeFileAtomic, type DataDirLock } from './data-dir.ts';
import { loadOrCreateDeviceKey } from './device-key.ts';
import { MemberKeystore, defaultScryptParams } from './keystore.ts';
import { GroupKeys } from './group-keys.ts';
import { InviteBook } from './invite-book.ts';
import { KnownPeers } from './known-peers.ts';
import { createNativeEd25519Signer, createNativeEd25519Verify } from './native-ed25519.ts';
import { HostSyncStore } from './sync-store.ts';

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
  /** How often each DAO is compared again with its peers, in ms (default 30 s). */
  syncIntervalMs?: number;
  /** Which connections the libp2p node refuses (tests simulate partitions with it). */
  connectionGater?: ConnectionGater;
  /** Relay connections for other DAOmesh nodes that cannot be dialled directly (an always-on node). */
  relayServer?: boolean;
  /** How often each DAO is announced and looked up on the DHT, in ms (default 5 min). */
  discoveryIntervalMs?: number;
  log?: (line: string) => void;
};

export type Host = {
  readonly peerId: string;
  readonly apiUrl: string;
  readonly uiUrl: string | null;
  readonly keystore: MemberKeystore;
  readonly mesh: MeshNode;
  readonly daos: DaoService;
  readonly sync: DaoSync;
  status(): NodeStatus;
  /** Call after unlocking the identity outside the bridge: delegates this device where needed. */
  identityReady(): Promise<void>;
  /** A bridge call made in-process (benchmarks, tests that run several hosts in one process): validated like any other. */
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  stop(): Promise<void>;
};

export const defaultListen = ['/ip4/0.0.0.0/tcp/0'];

/** Why a join failed, as the error the user sees (with a detail code the UI words in the user's language). */
function joinFailure(error: unknown): DaomeshError {
  if (error instanceof SyncRefusedError) {
    const message = `The inviter's node refused: ${error.message}`;
    switch (error.code) {
      case 'INVITE_EXPIRED':
      case 'INVITE_REVOKED':
        return new DaomeshError(error.code, message, 'Ask for a new one.');
      case 'INVALID_INVITE':
        return new DaomeshError('INVALID_INVITE', message, 'Ask for a new one.', 'invite-not-accepted');
      case 'BUSY':
        return new DaomeshError('SYNC_FAILED', message, 'Try again in a moment.', 'inviter-busy');
      case 'DAO_NOT_FOUND':
        return new DaomeshError('SYNC_FAILED', message, undefined, 'inviter-no-dao');
      default:
        return new DaomeshError('SYNC_FAILED', message, undefined, 'inviter-refused');
    }
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new DaomeshError('SYNC_FAILED', `Could not reach the inviter's node: ${reason}`, 'Check that it is running and reachable, then try again.', 'inviter-unreachable');
}

/**
 * The id of the invite `invite` names for revocation: an id this node issued for `dao` (or revoked already), or
 * a whole code to `dao` from any node. Anything else is refused, so a mistyped id is not silently "revoked".
 */
function inviteToRevoke(dao: string, invite: string, invites: InviteBook, verify: Ed25519Verify): string {
  if (invite.trim().startsWith(invitePrefix)) {
    const parsed = parseInviteCode(invite, verify);
    if (parsed.dao !== dao) throw new DaomeshError('INVALID_INVITE', `That code is an invite to another DAO (${parsed.dao}).`, 'Check which DAO you meant.', 'invite-other-dao');
    return parsed.id;
  }
  if (invites.isRevoked(invite) || invites.issued(dao).some((issued) => issued.id === invite)) return invite;
  throw new DaomeshError(
    'INVITE_NOT_FOUND',
    `This node issued no invite ${invite} for this DAO.`,
    'Check the id `dao invite` printed; to revoke an invite another node issued, give its whole code.',
  );
}

/**
 * Where a node listens unless told: any free TCP port, and, on the wider network (bootstrap peers given), a slot
 * on a DAOmesh relay too, so peers can reach it behind a NAT. On a LAN alone there is no relay to look for.
 */
export function defaultListenFor(bootstrap: readonly string[]): string[] {
  return bootstrap.length > 0 ? [...defaultListen, relayListenAddress] : defaultListen;
}

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
    const stale = await removeStaleTemporaries(options.dataDir);
    if (stale > 0) log(`removed ${stale} temporary file${stale === 1 ? '' : 's'} a killed node left half-written in ${options.dataDir}`);
    const deviceKey = await loadOrCreateDeviceKey(options.dataDir);
    // The libp2p key (Ed25519: its raw bytes are the seed, then the public key) signs this node's claims to run
    // a member's device (device delegations' nodeProof).
    const nodeSigner = deviceKey.type === 'Ed25519' ? createNativeEd25519Signer(deviceKey.raw.subarray(0, 32)) : null;
    const keystore = await MemberKeystore.open(options.dataDir, options.scryptParams ?? defaultScryptParams);
    const secret = await createApiSecret(options.dataDir);
    const mdns = options.mdns ?? true;

    const mesh = await createMeshNode({
      privateKey: deviceKey,
      listen: options.listen ?? defaultListenFor(options.bootstrap ?? []),
      bootstrap: options.bootstrap ?? [],
      mdns,
      ...(options.mdnsInterval === undefined ? {} : { mdnsInterval: options.mdnsInterval }),
      ...(options.connectionGater ? { connectionGater: options.connectionGater } : {}),
      relayServer: options.relayServer === true,
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
      backupPending: keystore.backupPending,
    });

    let api: ApiServer | null = null;
    const verify = createNativeEd25519Verify();
    const invites = await InviteBook.open(options.dataDir);
    let following: ((dao: string) => void) | null = null;
    let syncStatusChanged: ((dao: string) => void) | null = null;
    let onlineNodes: ((dao: string) => readonly OnlineNode[]) | null = null;
    const daos = await DaoService.open({
      dataDir: options.dataDir,
      verify,
      memberKey: () => keystore.key,
      memberAddress: () => keystore.address,
      nodeId: mesh.peerId.toMultihash().bytes,
      ...(nodeSigner ? { proveNode: nodeSigner.sign } : {}),
      log,
      // The members' nodes this one reaches take turns at writing records any of them could write (executions,
      // anchors, group keys), each node in its own turn.
      onlineNodes: (dao) => onlineNodes?.(dao) ?? [],
      nodeName: mesh.peerId.toString(),
      onChanged: (dao) => {
        api?.broadcast('dao.changed', { dao });
        following?.(dao);
        // A record can change who counts as online (a new device's delegation, a removal).
        syncStatusChanged?.(dao);
      },
    });
    cleanup.push(() => daos.close());

    // Sync: every DAO held is followed (its topic joined, its local writes gossiped, its peers compared).
    const groupKeys = await GroupKeys.open(options.dataDir, () => (keystore.state === 'unlocked' ? keystore.key : null), { log });
    const syncStore = new HostSyncStore({ daos, verify, invites, keys: groupKeys });
    /** The DAO's nodes this one is connected to that belong to current members (the DAO's presence). */
    const nodesOnline = (dao: string): OnlineNode[] =>
      sync.status(dao).peers.flatMap((node) => {
        const member = syncStore.memberOf(dao, node);
        return member === undefined ? [] : [{ node, member }];
      });
    const syncStatus = (dao: string): DaoSyncStatus => {
      const me = keystore.address;
      const online = new Set(nodesOnline(dao).map(({ member }) => member));
      if (me !== null && daos.replica(dao)?.isCurrentMember(me)) online.add(me);
      const held = daos.heldBack(dao);
      return { ...sync.status(dao), online: [...online].sort(), held: held && { count: held.count, latest: held.latest, authors: [...held.authors] } };
    };
    let statusTimers = new Map<string, ReturnType<typeof setTimeout>>();
    // Sessions report progress often; the UI gets at most a few pushes a second per DAO.
    const knownPeers = await KnownPeers.open(options.dataDir);
    // Looked up once per connection every few minutes, not on every status push (each costs a peer store read). Per
    // connection, not per peer: a peer met again after a restart listens on a new port, to be remembered at once,
    // or this node, restarted in turn, would dial only the old one.
    const rememberedAt = new Map<string, number>();
    const rememberPeers = (peers: readonly string[]): void => {
      const now = performance.now();
      for (const peer of peers) {
        const connection = mesh.getConnections().find((candidate) => candidate.remotePeer.toString() === peer);
        if (!connection || now - (rememberedAt.get(connection.id) ?? -Infinity) < 5 * 60_000) continue;
        void mesh.peerStore
          .get(connection.remotePeer)
          .then((stored) => {
            if (stored.addresses.length === 0) return; // identify has not told us yet: next push
            if (rememberedAt.size > 4096) rememberedAt.clear();
            rememberedAt.set(connection.id, now);
            knownPeers.remember(peer, stored.addresses.map((address) => address.multiaddr.toString()), Date.now());
          })
          .catch(() => {});
      }
    };
    const pushSyncStatus = (dao: string): void => {
      if (statusTimers.has(dao)) return;
      statusTimers.set(
        dao,
        setTimeout(() => {
          statusTimers.delete(dao);
          if (!daos.replica(dao)) return;
          const status = syncStatus(dao);
          rememberPeers(status.peers);
          api?.broadcast('dao.syncStatus', status);
        }, 200),
      );
    };
    syncStatusChanged = pushSyncStatus;
    const sync = new DaoSync(mesh, syncStore, { intervalMs: options.syncIntervalMs ?? 30_000, log, onStatus: (status) => pushSyncStatus(status.dao) });
    onlineNodes = nodesOnline;
    await sync.start();
    cleanup.push(async () => {
      await sync.stop();
      for (const timer of statusTimers.values()) clearTimeout(timer);
      statusTimers = new Map();
      await groupKeys.flushed();
      await knownPeers.flushed();
    });
    const discovery = new DaoDiscovery(mesh, { ...(options.discoveryIntervalMs === undefined ? {} : { intervalMs: options.discoveryIntervalMs }), log });
    discovery.start();
    cleanup.push(() => discovery.stop());
    const followed = new Set<string>();
    let announcing: Promise<unknown> = Promise.resolve();
    // Once a DAO admits this member (or it was a founder), delegate this device naming this node, so that the
    // DAO's other nodes sync with it. Serialised: one check at a time.
    const announce = (): Promise<unknown> => (announcing = announcing.then(() => daos.announceDevice()).catch((error: unknown) => log(`announcing this device: ${String(error)}`)));
    // Group keys (group-keys.ts): a new key for a new membership epoch, boxes for members who lack the current
    // one. One pass per DAO at a time; changes that come in meanwhile ask for one more pass. Any current member's
    // node could write what is due, so the nodes that reach each other take turns at it, as at executions: the
    // first writes at once, the others find it written when their turn comes (a dozen nodes each writing a key
    // for the new epoch, a box for each member in each, was the alternative).
    const keyUpkeep = new Map<string, { again: boolean; wake: (() => void) | null }>();
    const upkeepKeys = (dao: string): void => {
      const running = keyUpkeep.get(dao);
      if (running) {
        // A change may make something else due (a new epoch while waiting out a grace period): look again now.
        running.again = true;
        running.wake?.();
        return;
      }
      const state: { again: boolean; wake: (() => void) | null } = { again: false, wake: null };
      keyUpkeep.set(dao, state);
      void (async () => {
        try {
          /** When this node's turn at writing `subject` comes (performance.now()). */
          let turn = null as { subject: string; at: number } | null;
          do {
            state.again = false;
            const replica = daos.replica(dao);
            if (!replica || keystore.state !== 'unlocked') break;
            const due = groupKeys.dueTurn(replica);
            if (due === null) continue;
            // A grace period first (group-keys.ts: a node with no box leaves the holders time to add one), then the turns.
            if (turn?.subject !== due.subject || due.graceMs > 0) turn = { subject: due.subject, at: performance.now() + due.graceMs + daos.turnWait(dao, due.subject, due.writers) };
            const wait = turn.at - performance.now();
            if (wait > 0) {
              // Then look again: whoever came before may have written it meanwhile.
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, wait);
                timer.unref();
                state.wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              state.wake = null;
              state.again = true;
              continue;
            }
            for (const input of groupKeys.upkeep(replica)) await daos.writeGroupKey(dao, input);
            turn = null;
          } while (state.again);
        } catch (error) {
          log(`group key of ${dao}: ${String(error)}`);
        } finally {
          keyUpkeep.delete(dao);
        }
      })();
    };
    const follow = (dao: string): void => {
      const replica = daos.replica(dao);
      if (!replica) return;
      if (!followed.has(dao)) {
        followed.add(dao);
        replica.onAppend(({ bytes, origin }) => {
          if (origin === 'local') void sync.publish(dao, bytes);
        });
        sync.join(dao);
        discovery.follow(dao);
      }
      if (keystore.state === 'unlocked') void announce().then(() => upkeepKeys(dao));
    };
    for (const joined of invites.joined()) {
      try {
        sync.rememberInvite(joined.dao, parseInviteCode(joined.code, verify).bytes);
      } catch {
        // An unreadable entry: this node syncs as the DAO's node once its delegation is in, or not at all.
      }
    }
    for (const dao of daos.held()) follow(dao);
    // Back on the network: dial the DAO peers met before (best effort; mDNS and bootstrap work alongside).
    for (const peer of knownPeers.list()) {
      const addrs = peer.addrs.map((address) => dialableAddress(address, peer.peerId)).filter((address) => address !== null);
      if (addrs.length > 0) void mesh.dial(addrs, { signal: AbortSignal.timeout(10_000) }).catch(() => {});
    }
    following = follow;
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
        void announce().then(() => daos.held().forEach(upkeepKeys));
        return unlocked;
      },
      'identity.lock': () => {
        if (keystore.address === null) throw new DaomeshError('NO_IDENTITY', 'This node has no member identity to lock.', 'Create one or restore it from its recovery phrase.');
        keystore.lock();
        statusChanged();
        return {};
      },
      'identity.backup': ({ passphrase }) => keystore.backup(passphrase),
      'identity.confirmBackup': async () => {
        await keystore.confirmBackup();
        statusChanged();
        return {};
      },
      'dao.list': () => daos.list(),
      'dao.unopenable': () => daos.unopenable().map(({ dao, error }) => ({ dao, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) })),
      'dao.create': (params) => daos.create(params),
      'dao.get': ({ dao }) => daos.get(dao),
      'dao.evidence': ({ dao, offset, limit }) => daos.evidence(dao, offset, limit),
      'dao.sync': (params) => daos.sync(params),
      'dao.propose': (params) => daos.propose(params),
      'dao.vote': (params) => daos.vote(params),
      'dao.signingRefusal': ({ dao, proposal }) => ({ late: daos.lateArrival(dao, proposal) }),
      'dao.signTally': (params) => daos.signTally(params),
      'dao.withdraw': (params) => daos.withdraw(params),
      'dao.rageQuit': (params) => daos.rageQuit(params),
      'dao.editText': (params) => daos.editText(params),
      'dao.text': (params) => daos.text(params),
      'dao.texts': (params) => daos.texts(params),
      'dao.invite': async ({ dao, expiresInMs }) => {
        const { code, invite } = await daos.createInvite(dao, expiresInMs ?? defaultInviteLifetimeMs, listenAddresses(mesh));
        await invites.record({ id: invite.id, dao, expires: invite.expires, createdAt: Date.now() });
        return { code, invite: invite.id, expires: invite.expires };
      },
      'dao.revokeInvite': async ({ dao, invite }) => {
        const id = inviteToRevoke(dao, invite, invites, verify);
        // Refused here at once; the record makes every other node of the DAO refuse it too.
        await invites.revoke(id);
        await daos.revokeInvite(dao, id);
        return { invite: id };
      },
      'dao.join': async ({ code }) => {
        const invite = parseInviteCode(code, verify);
        if (invite.expires <= Date.now()) throw new DaomeshError('INVITE_EXPIRED', `The invite expired at ${new Date(invite.expires).toISOString()}.`, 'Ask for a new one.');
        let addrs: Multiaddr[];
        try {
          addrs = invite.addrs.map((address) => multiaddr(address));
        } catch {
          addrs = [];
        }
        if (addrs.length === 0) throw new DaomeshError('INVALID_INVITE', 'The invite names no address to reach the DAO at.', 'Ask for a new one.', 'invite-no-address');
        // Held: its records are here (a replica opened empty, its log moved aside, holds nothing of it).
        const heldBefore = daos.replica(invite.dao)?.ledger.has(invite.dao) === true;
        const isMember = () => daos.list().some((summary) => summary.id === invite.dao && summary.isMember);
        if (addrs.some((address) => peerOfAddress(address) === mesh.peerId.toString())) {
          // Dialling itself fails with libp2p's "Can not dial self": say what happened instead.
          if (heldBefore) return { dao: invite.dao, received: 0, alreadyHeld: true, member: isMember() };
          throw new DaomeshError('INVALID_INVITE', 'This node made the invite: it cannot join the DAO through itself.', 'Use the code on another device.', 'invite-own');
        }
        await daos.hold(invite.dao);
        await invites.recordJoin({ dao: invite.dao, code: code.trim() });
        follow(invite.dao);
        try {
          const report = await sync.joinVia(invite.dao, addrs, invite.bytes);
          void announce();
          return { dao: invite.dao, received: report.accepted, alreadyHeld: heldBefore, member: isMember() };
        } catch (error) {
          // Nothing of the DAO arrived: forget it, so this node does not keep following a DAO it cannot reach.
          if (!heldBefore && (await daos.forgetEmpty(invite.dao))) {
            followed.delete(invite.dao);
            sync.leave(invite.dao);
            discovery.unfollow(invite.dao);
            await invites.forgetJoin(invite.dao);
          }
          throw joinFailure(error);
        }
      },
      'dao.peers': ({ dao }) => {
        if (!daos.replica(dao)) throw new DaomeshError('DAO_NOT_FOUND', `This node holds no DAO ${dao}.`);
        return syncStatus(dao);
      },
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
    // The start time, as in node.lock: after a crash the pid may be another process's (readApiEndpoint).
    const started = await processStartTime(process.pid);
    await writeFileAtomic(endpointPath, `${JSON.stringify({ url: server.apiUrl, pid: process.pid, started })}\n`);
    cleanup.push(() => rm(endpointPath, { force: true }));

    let stopped: Promise<void> | null = null;
    return {
      peerId: mesh.peerId.toString(),
      apiUrl: server.apiUrl,
      uiUrl: server.uiUrl,
      keystore,
      mesh,
      daos,
      sync,
      status,
      identityReady: async () => {
        await announce();
        for (const dao of daos.held()) upkeepKeys(dao);
      },
      call: async (method, params) => (await dispatchBridgeCall(handlers, method, params)) as never,
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
