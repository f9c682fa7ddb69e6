// Keeps this node's DAOs in sync with the other members' nodes (DESIGN.md §5): one gossip topic per DAO for
// live envelopes, and catch-up sessions (dao-sync-session.ts) on every new DAO peer, on a timer, and whenever
// gossip shows that something is missing. Gossip is assumed lossy; catch-up repairs it.
//
// Gossip validation runs the store's gate before a message is forwarded: a valid new envelope is accepted
// (stored first), a repeat is ignored, anything forged or malformed is rejected, and so is anything at all from
// a peer that is not a node of the DAO, which costs that peer gossip score until the mesh drops it.
import { TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub';
import { createTopicScoreParams, type PeerScoreParams } from '@libp2p/gossipsub/score';
import type { Connection, PeerId } from '@libp2p/interface';
import type { MeshNode } from './mesh-node.ts';
import {
  daoSyncProtocol,
  initiateSync,
  serveSync,
  SyncRefusedError,
  type AcceptOutcome,
  type DaoSyncStore,
  type SyncReport,
} from './dao-sync-session.ts';

/** Gossip carries envelopes up to this size; a larger one reaches peers by catch-up sync. */
export const maxGossipBytes = 64 * 1024;

export function daoTopic(dao: string): string {
  return `/daomesh/dao/1/${dao}`;
}

/** What the gate said about an envelope that arrived by gossip. */
export type GossipOutcome = AcceptOutcome | 'waiting';

export type DaoSyncHost = DaoSyncStore & {
  /** Gate, store and apply an envelope from gossip; 'waiting' when it builds on something we lack. */
  acceptGossip(dao: string, envelope: Uint8Array, peer: string): Promise<GossipOutcome>;
};

export type DaoSyncState = 'offline' | 'syncing' | 'in-sync';

export type DaoSyncStatus = {
  dao: string;
  state: DaoSyncState;
  /** Nodes of this DAO we are connected to. */
  peers: string[];
  /** While syncing: envelopes received and offered in the running sessions. */
  progress: { received: number; expected: number } | null;
  lastSyncAt: number | null;
  lastError: string | null;
};

export type DaoSyncOptions = {
  /** How often every DAO is compared again with a peer, in ms. */
  intervalMs?: number;
  now?: () => number;
  onStatus?: (status: DaoSyncStatus) => void;
  log?: (line: string) => void;
};

type Tracked = {
  dao: string;
  running: Map<string, { received: number; expected: number }>;
  lastSyncAt: number | null;
  lastError: string | null;
  /** Peers to sync with again once the running session with them ends. */
  again: Set<string>;
};

type ScoredGossip = GossipSub & { score: { params: PeerScoreParams }; getScore(peer: string): number };

export class DaoSync {
  readonly #node: MeshNode;
  readonly #host: DaoSyncHost;
  readonly #options: DaoSyncOptions;
  readonly #daos = new Map<string, Tracked>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopped = false;
  readonly #controller = new AbortController();
  readonly #sessions = new Set<Promise<unknown>>();

  constructor(node: MeshNode, host: DaoSyncHost, options: DaoSyncOptions = {}) {
    this.#node = node;
    this.#host = host;
    this.#options = options;
  }

  get #pubsub(): GossipSub {
    return this.#node.services.pubsub;
  }

  async start(): Promise<void> {
    await this.#node.handle(
      daoSyncProtocol,
      (stream, connection) => {
        const peer = connection.remotePeer.toString();
        this.#track(
          serveSync(stream, peer, this.#host, { signal: this.#controller.signal }).then((report) => {
            if (report && report.accepted > 0) this.#spread(report.dao, peer);
          }),
        );
      },
      { maxInboundStreams: 16, maxOutboundStreams: 16 },
    );
    this.#pubsub.addEventListener('subscription-change', this.#onSubscriptionChange);
    this.#node.addEventListener('connection:open', this.#onConnection);
    this.#timer = setInterval(() => this.#syncAll(), this.#options.intervalMs ?? 30_000);
    this.#timer.unref?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#pubsub.removeEventListener('subscription-change', this.#onSubscriptionChange);
    this.#node.removeEventListener('connection:open', this.#onConnection);
    this.#controller.abort();
    await Promise.allSettled([...this.#sessions]);
    await this.#node.unhandle(daoSyncProtocol).catch(() => {});
    for (const dao of this.#daos.keys()) this.#pubsub.topicValidators.delete(daoTopic(dao));
  }

  /** Starts keeping a DAO in sync: subscribes to its topic and compares with the DAO's peers. */
  join(dao: string): void {
    if (this.#daos.has(dao)) return;
    this.#daos.set(dao, { dao, running: new Map(), lastSyncAt: null, lastError: null, again: new Set() });
    const topic = daoTopic(dao);
    this.#pubsub.topicValidators.set(topic, (peer, message) => this.#validate(dao, peer, message.data));
    this.#scoreTopic(topic);
    this.#pubsub.subscribe(topic);
    this.syncNow(dao);
  }

  leave(dao: string): void {
    if (!this.#daos.delete(dao)) return;
    const topic = daoTopic(dao);
    this.#pubsub.unsubscribe(topic);
    this.#pubsub.topicValidators.delete(topic);
  }

  /** Announces an envelope written here. Large ones go by catch-up sync instead of gossip. */
  async publish(dao: string, envelope: Uint8Array): Promise<void> {
    if (envelope.length > maxGossipBytes) {
      this.syncNow(dao);
      return;
    }
    await this.#pubsub.publish(daoTopic(dao), envelope).catch((error: unknown) => {
      // No peer on the topic is normal offline; catch-up sends it when one appears.
      this.#options.log?.(`gossip publish for ${dao}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Nodes of the DAO that we are connected to. */
  peersOf(dao: string): string[] {
    const connected = new Set(this.#node.getConnections().map((connection) => connection.remotePeer.toString()));
    return [...connected].filter((peer) => this.#host.mayServe(dao, peer).ok).sort();
  }

  status(dao: string): DaoSyncStatus {
    const tracked = this.#daos.get(dao);
    const peers = this.peersOf(dao);
    if (!tracked) return { dao, state: 'offline', peers, progress: null, lastSyncAt: null, lastError: null };
    const sessions = [...tracked.running.values()];
    const progress = sessions.length === 0 ? null : sessions.reduce((sum, session) => ({ received: sum.received + session.received, expected: sum.expected + session.expected }), { received: 0, expected: 0 });
    const state: DaoSyncState = tracked.running.size > 0 ? 'syncing' : peers.length === 0 ? 'offline' : 'in-sync';
    return { dao, state, peers, progress, lastSyncAt: tracked.lastSyncAt, lastError: tracked.lastError };
  }

  /** Compares the DAO with each of its connected nodes (or the given ones) now; resolves with the reports. */
  syncNow(dao: string, peers: readonly string[] = this.peersOf(dao)): Promise<SyncReport[]> {
    return Promise.all(peers.map((peer) => this.#syncWith(dao, peer))).then((reports) => reports.filter((report) => report !== null));
  }

  #syncAll(): void {
    for (const dao of this.#daos.keys()) this.syncNow(dao);
  }

  async #syncWith(dao: string, peer: string): Promise<SyncReport | null> {
    const tracked = this.#daos.get(dao);
    if (!tracked || this.#stopped) return null;
    if (tracked.running.has(peer)) {
      tracked.again.add(peer);
      return null;
    }
    const progress = { received: 0, expected: 0 };
    tracked.running.set(peer, progress);
    this.#emit(dao);
    const session = (async () => {
      try {
        const connection = this.#node.getConnections().find((candidate) => candidate.remotePeer.toString() === peer && candidate.status === 'open');
        if (!connection) throw new Error('not connected');
        const stream = await connection.newStream(daoSyncProtocol, { signal: AbortSignal.any([this.#controller.signal, AbortSignal.timeout(10_000)]) });
        const report = await initiateSync(stream, dao, peer, this.#host, {
          signal: this.#controller.signal,
          onProgress: (update) => {
            progress.received = update.received;
            progress.expected = update.expected;
            this.#emit(dao);
          },
        });
        tracked.lastSyncAt = (this.#options.now ?? Date.now)();
        tracked.lastError = null;
        if (report.accepted > 0) this.#spread(dao, peer);
        return report;
      } catch (error) {
        if (!this.#stopped) {
          tracked.lastError = error instanceof SyncRefusedError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
          this.#options.log?.(`sync ${dao} with ${peer}: ${tracked.lastError}`);
        }
        return null;
      } finally {
        tracked.running.delete(peer);
        this.#emit(dao);
        if (tracked.again.delete(peer) && !this.#stopped) void this.#syncWith(dao, peer);
      }
    })();
    this.#track(session);
    return await session;
  }

  /**
   * Catch-up brought something new: compare with the DAO's other nodes too, since gossip did not carry it
   * (a session that finds nothing new stops the spread).
   */
  #spread(dao: string, source: string): void {
    for (const peer of this.peersOf(dao)) if (peer !== source) void this.#syncWith(dao, peer);
  }

  async #validate(dao: string, from: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    const peer = from.toString();
    // Only the DAO's nodes belong on its topic: anything a stranger sends is penalised, whatever it holds.
    if (!this.#host.mayServe(dao, peer).ok) return TopicValidatorResult.Reject;
    if (data.length > maxGossipBytes) return TopicValidatorResult.Reject;
    const outcome = await this.#host.acceptGossip(dao, data, peer).catch((): GossipOutcome => 'rejected');
    switch (outcome) {
      case 'accepted':
        this.#emit(dao);
        return TopicValidatorResult.Accept;
      case 'held':
        return TopicValidatorResult.Ignore;
      case 'waiting':
        // It builds on something we missed: fetch it from the peer that had it, and let catch-up bring this too.
        void this.#syncWith(dao, peer);
        return TopicValidatorResult.Ignore;
      case 'rejected':
        return TopicValidatorResult.Reject;
    }
  }

  readonly #onSubscriptionChange = (event: CustomEvent<{ peerId: PeerId; subscriptions: Array<{ topic: string; subscribe: boolean }> }>): void => {
    const peer = event.detail.peerId.toString();
    for (const { topic, subscribe } of event.detail.subscriptions) {
      if (!subscribe) continue;
      for (const dao of this.#daos.keys()) {
        if (daoTopic(dao) === topic && this.#host.mayServe(dao, peer).ok) void this.#syncWith(dao, peer);
      }
    }
  };

  readonly #onConnection = (event: CustomEvent<Connection>): void => {
    const peer = event.detail.remotePeer.toString();
    for (const dao of this.#daos.keys()) {
      if (this.#host.mayServe(dao, peer).ok) void this.#syncWith(dao, peer);
    }
  };

  /** Invalid messages on a DAO topic cost the sender score, so the mesh prunes it and then ignores it. */
  #scoreTopic(topic: string): void {
    const scored = this.#pubsub as Partial<ScoredGossip>;
    if (!scored.score?.params) return;
    scored.score.params.topics[topic] = createTopicScoreParams({
      topicWeight: 1,
      timeInMeshWeight: 0,
      firstMessageDeliveriesWeight: 0,
      meshMessageDeliveriesWeight: 0,
      meshFailurePenaltyWeight: 0,
      invalidMessageDeliveriesWeight: -100,
      invalidMessageDeliveriesDecay: 0.9,
    });
  }

  #emit(dao: string): void {
    this.#options.onStatus?.(this.status(dao));
  }

  #track(session: Promise<unknown>): void {
    this.#sessions.add(session);
    void session.finally(() => this.#sessions.delete(session));
  }
}

/** The gossip score this node gives a peer (negative after invalid messages). */
export function gossipScore(node: MeshNode, peer: string): number {
  const scored = node.services.pubsub as Partial<ScoredGossip>;
  return typeof scored.getScore === 'function' ? scored.getScore(peer) : 0;
}
