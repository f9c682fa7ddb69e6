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
import type { Multiaddr } from '@multiformats/multiaddr';
import { recordHashFromId } from '../core/ledger/record.ts';
import { SyncProtocolError, type SharedPeer, type SyncRefusalCode } from '../core/sync/sync-messages.ts';
import { gossipKeyId, openGossip, sealGossip, type GroupKey } from './gossip-cipher.ts';
import { dialableAddress, maxDaoPeers, type MeshNode } from './mesh-node.ts';
import {
  daoSyncProtocol,
  initiateSync,
  serveSync,
  SyncRefusedError,
  SyncTimeoutError,
  type AcceptOutcome,
  type DaoSyncStore,
  type SyncProgress,
  type SyncReport,
  type SyncTimeouts,
} from './dao-sync-session.ts';
import { NotMemberRefusals, type NotMemberBackOff } from './not-member-refusals.ts';

/** Gossip carries envelopes up to this size; a larger one reaches peers by catch-up sync. */
export const maxGossipBytes = 64 * 1024;

export function daoTopic(dao: string): string {
  return `/daomesh/dao/1/${dao}`;
}

/** What the gate said about an envelope that arrived by gossip. */
/** 'departed': by a member who has left the DAO, as this node's ledger says (gossip is for current members). */
export type GossipOutcome = AcceptOutcome | 'waiting' | 'departed';

export type DaoSyncHost = DaoSyncStore & {
  /** Gate, store and apply an envelope from gossip; 'waiting' when it builds on something we lack. */
  acceptGossip(dao: string, envelope: Uint8Array, peer: string): Promise<GossipOutcome>;
  /** The key to seal this DAO's gossip with now; null when this node has none yet (catch-up carries its writes). */
  gossipKey(dao: string): GroupKey | null;
  /** A key this node holds for the DAO, by the id a message names. */
  gossipKeyById(dao: string, id: Uint8Array): GroupKey | undefined;
  /**
   * Whether this node's member was a member of the DAO and is no longer (left, or was removed), as this node's
   * ledger says: the DAO's nodes refuse it, so it starts no sessions for the DAO (it still serves those that ask).
   */
  departed(dao: string): boolean;
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
  /** This node's member has left the DAO or was removed (DaoSyncHost.departed): it starts no sessions for it. */
  left: boolean;
  /** Of `peers`, those that refused this node as not one of the DAO's nodes (NOT_A_MEMBER) and are left alone for now. */
  refusedBy: string[];
};

/** How a peer that refuses a session as BUSY is asked again. */
export type BusyRetry = {
  /** The first pause, doubling with each refusal up to `maxMs` (jittered). */
  readonly firstMs: number;
  readonly maxMs: number;
  /**
   * Refusals in a row after which a session with that peer is no longer asked for: the periodic round, new
   * gossip or a new connection ask again. Without a cap, a peer that always says BUSY would be asked every
   * `maxMs` for as long as it stays connected.
   */
  readonly maxTries: number;
};

export const defaultBusyRetry: BusyRetry = { firstMs: 150, maxMs: 5_000, maxTries: 10 };

/**
 * How long a peer whose session with us ran out of time (a timeout or the session's limit), or that broke the
 * protocol, is left alone for that DAO: no session started with it, its own refused as BUSY. Without it, a peer
 * trickling just inside the timeouts, or sending what it may not, could take this node's one session for the DAO
 * again the moment the last one ended.
 */
export type TimeoutCoolOff = {
  /** After the first such session, doubling with each one after it up to `maxMs`; a session that completes forgets them. */
  readonly firstMs: number;
  readonly maxMs: number;
};

export const defaultTimeoutCoolOff: TimeoutCoolOff = { firstMs: 30_000, maxMs: 10 * 60_000 };

export type DaoSyncOptions = {
  /** How often every DAO is compared again with a peer, in ms. */
  intervalMs?: number;
  busyRetry?: BusyRetry;
  timeoutCoolOff?: TimeoutCoolOff;
  notMemberBackOff?: NotMemberBackOff;
  /** Every session's timeouts and time limit (dao-sync-session.ts has the defaults); tests shorten them. */
  sessionTimeouts?: SyncTimeouts;
  now?: () => number;
  onStatus?: (status: DaoSyncStatus) => void;
  log?: (line: string) => void;
};

/**
 * Sessions of a join cut short in a row before taking anything that are tried again: the inviter's time limit may
 * fall during a stall of either machine; one that keeps taking nothing is given up.
 */
const maxFruitlessJoinSessions = 3;

/** Refusals that say the peer does not count this node as one of the DAO's, until something changes. */
const refusesThisNode: ReadonlySet<string> = new Set<SyncRefusalCode>(['NOT_A_MEMBER', 'INVALID_INVITE', 'INVITE_EXPIRED', 'INVITE_REVOKED']);

type Tracked = {
  dao: string;
  running: Map<string, { received: number; expected: number }>;
  lastSyncAt: number | null;
  lastError: string | null;
  /** Peers whose session with us we are serving. */
  serving: Set<string>;
  /**
   * Peers waiting for a session, first come first served, each not before a time (a busy peer is asked again
   * later). A node takes part in one session per DAO at a time, so no envelope reaches it twice at once.
   */
  queue: Map<string, { notBefore: number; busyTries: number }>;
  /** Wakes the queue when its first entry is due. */
  wake: ReturnType<typeof setTimeout> | null;
  /**
   * Peers left alone after sessions that ran out of time or that they broke (TimeoutCoolOff): until when, how many
   * in a row, and why (for the BUSY they get meanwhile).
   */
  coolingOff: Map<string, { until: number; timeouts: number; why: string }>;
  /** Peers that refused this node as not one of the DAO's nodes, left alone for a while (NotMemberBackOff). */
  notMember: NotMemberRefusals;
  /** The last failure logged for each peer: the same one again (a peer without the DAO refuses every round) is not logged again. */
  saidOf: Map<string, string>;
  /** Whether this node's member had left the DAO when last looked at (the log says so once when it happens). */
  departed: boolean;
  /**
   * Since this node's member left: the DAO's nodes known to hold the departure (a session went through after it,
   * or they refused this node as no longer the DAO's). The others are still asked, so that a rage quit written
   * while they were out of reach gets to them.
   */
  handedOver: Set<string>;
};

/** How many of a DAO's nodes each periodic round compares with. */
const periodicPeers = 2;
/**
 * Who hears of what a catch-up session brought (each passes it on in turn): every node of a DAO of up to
 * `spreadToAllUpTo` nodes, so news reaches them all at once; in a larger DAO, `spreadPeers` picked at random
 * (a spread stops where it finds nothing new, so the few it misses get it from the periodic round).
 */
const spreadToAllUpTo = maxDaoPeers;
const spreadPeers = 3;
/** The DAO's other nodes are named to a requester at most this often (a newcomer needs them; a neighbour has them). */
const sharePeersEveryMs = 10 * 60_000;
/** How long a join keeps asking an inviter that is busy with other sessions (again after each session that brought something). */
const joinDeadlineMs = 120_000;

/** A copy in random order (Fisher-Yates). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** The pause before asking a busy peer again: doubling, capped, jittered so that peers refused together spread out. */
function busyDelay(retry: BusyRetry, busyTries: number): number {
  return Math.min(retry.firstMs * 2 ** busyTries, retry.maxMs) * (0.5 + Math.random());
}

/** Two sessions' work as one (a join that took several). */
function addReports(first: SyncReport | null, second: SyncReport): SyncReport {
  if (first === null) return second;
  return {
    ...second,
    sent: first.sent + second.sent,
    received: first.received + second.received,
    accepted: first.accepted + second.accepted,
    rejected: first.rejected + second.rejected,
    bytesIn: first.bytesIn + second.bytesIn,
    bytesOut: first.bytesOut + second.bytesOut,
    rounds: first.rounds + second.rounds,
  };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

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
  /** When the DAO's nodes were last named to a requester ("dao peer"), over which connection. */
  readonly #sharedWith = new Map<string, { connection: string; at: number }>();
  /** Invite codes this node joined DAOs with: shown in every hello until its own delegation makes it a node. */
  readonly #invites = new Map<string, Uint8Array>();
  /**
   * DAO traffic this node sent and received: sync frames in bytes (every session's, refused ones too; of them,
   * the frames of envelopes), gossip payloads as published and as validated, and envelopes that arrived by
   * sync when this node held them already.
   */
  readonly traffic = { syncIn: 0, syncOut: 0, syncEnvelopesIn: 0, gossipIn: 0, gossipOut: 0, repeatsIn: 0 };
  readonly #onBytes = (direction: 'in' | 'out', bytes: number, envelopes: boolean): void => {
    if (direction === 'out') this.traffic.syncOut += bytes;
    else {
      this.traffic.syncIn += bytes;
      if (envelopes) this.traffic.syncEnvelopesIn += bytes;
    }
  };

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
          serveSync(stream, peer, this.#host, {
            ...this.#options.sessionTimeouts,
            signal: this.#controller.signal,
            onBytes: this.#onBytes,
            onError: (error) => {
              if (!this.#stopped) this.#options.log?.(`served sync with ${peer}: ${error.message}`);
            },
            sharePeers: (dao, requester) => this.#sharePeers(dao, requester),
            beginServing: (dao, requester) => this.#beginServing(dao, requester),
            onEnd: (report) => this.#sessionBrought(report),
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
    for (const tracked of this.#daos.values()) if (tracked.wake) clearTimeout(tracked.wake);
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
    this.#daos.set(dao, {
      dao,
      running: new Map(),
      serving: new Set(),
      lastSyncAt: null,
      lastError: null,
      queue: new Map(),
      wake: null,
      coolingOff: new Map(),
      notMember: new NotMemberRefusals(this.#options.notMemberBackOff),
      departed: false,
      handedOver: new Set(),
      saidOf: new Map(),
    });
    const topic = daoTopic(dao);
    this.#pubsub.topicValidators.set(topic, (peer, message) => this.#validate(dao, peer, message.data));
    this.#scoreTopic(topic);
    this.#pubsub.subscribe(topic);
    this.syncNow(dao);
  }

  /**
   * Joins a DAO this node does not hold yet, through the inviter's node: dials it, shows the invite and takes
   * the whole history. A history too large for one session's time limit (this node's or the inviter's, if
   * shorter) takes several: while each brings something new, the next takes up where it stopped (`onProgress`
   * counts across them). Resolves with the
   * sessions' report together; throws the refusal (expired, revoked…) or the failure if any.
   */
  async joinVia(dao: string, addrs: readonly Multiaddr[], invite: Uint8Array, onProgress?: (progress: SyncProgress) => void): Promise<SyncReport> {
    this.#invites.set(dao, invite);
    this.join(dao);
    const tracked = this.#daos.get(dao)!;
    let waiting = AbortSignal.any([this.#controller.signal, AbortSignal.timeout(joinDeadlineMs)]);
    let connection = await this.#dialWithRetry(addrs, waiting);
    const inviter = connection.remotePeer.toString();
    /** What the sessions before this one brought. */
    let before: SyncReport | null = null;
    let report: SyncReport;
    /** Sessions in a row cut short before they took anything (a stall, a busy machine): a few are tried again. */
    let fruitless = 0;
    for (let busyTries = 0; ; ) {
      // Counted as this node's session for the DAO (status shows it; nothing else runs alongside).
      const progress = { received: before?.received ?? 0, expected: before?.received ?? 0 };
      tracked.running.set(inviter, progress);
      this.#emit(dao);
      /** What a session cut short took, however it was cut (this side's limit, or the inviter's, shorter). */
      const cut: { report: SyncReport | null } = { report: null };
      try {
        if (connection.status !== 'open') connection = await this.#dialWithRetry(addrs, waiting);
        const stream = await connection.newStream(daoSyncProtocol, { signal: waiting });
        const session = await initiateSync(stream, dao, inviter, this.#host, {
          ...this.#options.sessionTimeouts,
          signal: this.#controller.signal,
          onBytes: this.#onBytes,
          invite,
          onPeers: (shared, peers) => this.#meet(shared, peers),
          onProgress: (update) => {
            progress.received = (before?.received ?? 0) + update.received;
            progress.expected = (before?.received ?? 0) + update.expected;
            onProgress?.({ ...update, ...progress });
          },
          onEnd: (ended, ending) => {
            if (ending !== null) cut.report = ended;
          },
        });
        this.#sessionEnded(tracked, inviter, null);
        this.#count(session);
        report = addReports(before, session);
        break;
      } catch (error) {
        this.#sessionEnded(tracked, inviter, error);
        // Cut short by either side's time limit or a dropped stream (not for sending what this node refuses:
        // SyncProtocolError), with something new or, a few times in a row, with nothing yet: the next session takes
        // up the rest.
        const partial = error instanceof SyncProtocolError ? null : cut.report;
        if (partial !== null && (partial.accepted > 0 || fruitless++ < maxFruitlessJoinSessions)) {
          if (partial.accepted > 0) fruitless = 0;
          // The inviter may be leaving us alone for as long as we it (it saw the same limit): asked through its
          // BUSY meanwhile.
          this.#count(partial);
          before = addReports(before, partial);
          const why = error instanceof SyncTimeoutError ? 'ran out of time' : `was cut short (${error instanceof Error ? error.message : String(error)})`;
          this.#options.log?.(`join ${dao}: a session ${why} after ${partial.accepted} new envelopes (${before.accepted} in all); starting the next`);
          waiting = AbortSignal.any([this.#controller.signal, AbortSignal.timeout(joinDeadlineMs + Math.ceil(this.#coolingOffFor(tracked, inviter)))]);
          busyTries = 0;
          continue;
        }
        // The inviter is in a session for this DAO with another node: ask again until the deadline.
        if (!(error instanceof SyncRefusedError && error.code === 'BUSY') || waiting.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, busyDelay(this.#options.busyRetry ?? defaultBusyRetry, busyTries++)));
        if (waiting.aborted) throw error;
      } finally {
        tracked.running.delete(inviter);
        this.#emit(dao);
        this.#pump(tracked);
      }
    }
    tracked.lastSyncAt = (this.#options.now ?? Date.now)();
    this.#emit(dao);
    return report;
  }

  /** An invite to show in this DAO's catch-up sessions (one this node joined with, remembered across restarts). */
  rememberInvite(dao: string, invite: Uint8Array): void {
    this.#invites.set(dao, invite);
  }

  /** A busy node may refuse a connection for a moment (inbound rate limits): try a few times before giving up. */
  async #dialWithRetry(addrs: readonly Multiaddr[], signal: AbortSignal): Promise<Connection> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#node.dial([...addrs], { signal });
      } catch (error) {
        if (attempt >= 4 || signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  leave(dao: string): void {
    this.#invites.delete(dao);
    if (!this.#daos.delete(dao)) return;
    const topic = daoTopic(dao);
    this.#pubsub.unsubscribe(topic);
    this.#pubsub.topicValidators.delete(topic);
  }

  /** Announces an envelope written here, sealed with the DAO's group key. Large ones go by catch-up sync instead. */
  async publish(dao: string, envelope: Uint8Array): Promise<void> {
    this.#daos.get(dao)?.notMember.changed();
    const key = this.#host.gossipKey(dao);
    if (envelope.length > maxGossipBytes || key === null) {
      this.syncNow(dao);
      return;
    }
    const sealed = sealGossip(key, recordHashFromId(dao), envelope);
    this.traffic.gossipOut += sealed.length;
    await this.#pubsub.publish(daoTopic(dao), sealed).catch((error: unknown) => {
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
    const left = this.#host.departed(dao);
    if (!tracked) return { dao, state: 'offline', peers, progress: null, lastSyncAt: null, lastError: null, left, refusedBy: [] };
    const sessions = [...tracked.running.values()];
    const progress = sessions.length === 0 ? null : sessions.reduce((sum, session) => ({ received: sum.received + session.received, expected: sum.expected + session.expected }), { received: 0, expected: 0 });
    const refused = new Set(tracked.notMember.peers);
    const refusedBy = peers.filter((peer) => refused.has(peer));
    // In sync only with a node that syncs with us: one that left syncs with none, and a refusing peer does not.
    const syncsWithSome = !left && peers.length > refusedBy.length;
    const state: DaoSyncState = tracked.running.size + tracked.serving.size + tracked.queue.size > 0 ? 'syncing' : syncsWithSome ? 'in-sync' : 'offline';
    return { dao, state, peers, progress, lastSyncAt: tracked.lastSyncAt, lastError: tracked.lastError, left, refusedBy };
  }

  /** Compares the DAO with each of its connected nodes (or the given ones), one session after another. */
  syncNow(dao: string, peers: readonly string[] = this.peersOf(dao)): void {
    for (const peer of peers) this.#request(dao, peer);
  }

  /**
   * The periodic repair: each DAO compared with a few of its nodes picked at random, not all of them (with
   * every node asking every other each round, 50 nodes would run 80 sessions a second doing nothing). Whatever
   * one node lacks spreads from node to node like gossip, within a few rounds.
   */
  #syncAll(): void {
    for (const [dao, tracked] of this.#daos) {
      // Picked among those it would ask: a round spent on peers left alone would compare with nobody.
      const askable = this.peersOf(dao).filter((peer) => this.#leftAloneFor(tracked, peer) === 0 && !this.#handedOverTo(tracked, peer));
      for (const peer of shuffled(askable).slice(0, periodicPeers)) this.#request(dao, peer);
    }
  }

  /** Queues a session with `peer` (once: a peer already waiting keeps its place and time), not before `delayMs` from now. */
  #request(dao: string, peer: string, delayMs = 0, busyTries = 0): void {
    const tracked = this.#daos.get(dao);
    // A peer left alone after a session that ran out of time, or after refusing this node as not one of the DAO's
    // nodes, is asked again by a later round, gossip or connection. A node whose member left asks only the nodes
    // that may not hold the departure yet.
    if (!tracked || this.#stopped || this.#leftAloneFor(tracked, peer) > 0 || this.#handedOverTo(tracked, peer)) return;
    const notBefore = performance.now() + delayMs;
    const waiting = tracked.queue.get(peer);
    if (waiting === undefined) tracked.queue.set(peer, { notBefore, busyTries });
    else if (delayMs > 0) {
      // Asked again after a refusal: a request queued meanwhile waits out the same pause.
      waiting.notBefore = Math.max(waiting.notBefore, notBefore);
      waiting.busyTries = busyTries;
    }
    this.#pump(tracked);
  }

  /** Starts the first due session when none is running for the DAO; otherwise waits for the end of one, or a timer. */
  #pump(tracked: Tracked): void {
    if (this.#stopped || tracked.running.size + tracked.serving.size > 0) return;
    // Queued before this node's member left (its own rage quit, or a removal that arrived meanwhile) for a node
    // that holds the departure since.
    for (const peer of tracked.queue.keys()) if (this.#handedOverTo(tracked, peer)) tracked.queue.delete(peer);
    const now = performance.now();
    let due: string | null = null;
    let earliest = Infinity;
    for (const [peer, entry] of tracked.queue) {
      if (entry.notBefore <= now) {
        due = peer;
        break;
      }
      earliest = Math.min(earliest, entry.notBefore);
    }
    if (tracked.wake) clearTimeout(tracked.wake);
    tracked.wake = null;
    if (due === null) {
      if (earliest < Infinity) {
        tracked.wake = setTimeout(() => {
          tracked.wake = null;
          this.#pump(tracked);
        }, earliest - now);
        tracked.wake.unref?.();
      }
      return;
    }
    const { busyTries } = tracked.queue.get(due)!;
    tracked.queue.delete(due);
    void this.#session(tracked, due, busyTries);
  }

  async #session(tracked: Tracked, peer: string, busyTries: number): Promise<void> {
    const dao = tracked.dao;
    const progress = { received: 0, expected: 0 };
    tracked.running.set(peer, progress);
    this.#emit(dao);
    let done: SyncReport | null = null;
    // A session that starts after this node's member left hands the departure over (the peer gets what it lacks).
    const departedAtStart = this.#departed(tracked);
    const session = (async () => {
      try {
        const connection = this.#node.getConnections().find((candidate) => candidate.remotePeer.toString() === peer && candidate.status === 'open');
        // Gone while it waited in the queue: nothing to compare with, and no error to show (a new connection asks again).
        if (!connection) return;
        const stream = await connection.newStream(daoSyncProtocol, { signal: AbortSignal.any([this.#controller.signal, AbortSignal.timeout(10_000)]) });
        // The invite only until a member's delegation names this node: the same test the peer makes of us.
        const invite = this.#host.mayServe(dao, this.#node.peerId.toString()).ok ? undefined : this.#invites.get(dao);
        await initiateSync(stream, dao, peer, this.#host, {
          ...this.#options.sessionTimeouts,
          signal: this.#controller.signal,
          onBytes: this.#onBytes,
          onPeers: (shared, peers) => this.#meet(shared, peers),
          ...(invite ? { invite } : {}),
          onProgress: (update) => {
            progress.received = update.received;
            progress.expected = update.expected;
            this.#emit(dao);
          },
          onEnd: (ended) => {
            done = ended;
          },
        });
        tracked.lastSyncAt = (this.#options.now ?? Date.now)();
        tracked.lastError = null;
        tracked.notMember.accepted(peer);
        tracked.saidOf.delete(peer);
        if (departedAtStart) tracked.handedOver.add(peer);
        this.#sessionEnded(tracked, peer, null);
      } catch (error) {
        this.#sessionEnded(tracked, peer, error);
        if (error instanceof SyncRefusedError && error.code === 'BUSY') {
          // The peer is in another session for this DAO: ask again a little later, while it stays connected,
          // up to a point (then the periodic round, gossip or a reconnection ask again).
          const retry = this.#options.busyRetry ?? defaultBusyRetry;
          if (busyTries + 1 >= retry.maxTries) this.#options.log?.(`sync ${dao} with ${peer}: busy ${retry.maxTries} times in a row; asking again at the next round`);
          else if (this.peersOf(dao).includes(peer)) this.#request(dao, peer, busyDelay(retry, busyTries), busyTries + 1);
        } else if (error instanceof SyncRefusedError && refusesThisNode.has(error.code) && !this.#stopped) {
          // The peer does not count this node as the DAO's (its ledger says our member left, or lacks our
          // delegation; or the invite this device came in with was revoked, voided or has expired): it answers
          // the same every round until something changes, so it is left alone for a while, longer each time, said
          // once per pause, and shown as refusing (a node every peer refuses is not in sync with anyone).
          tracked.lastError = `${error.code}: ${error.message}`;
          const pauseMs = tracked.notMember.refused(peer);
          tracked.queue.delete(peer);
          if (departedAtStart) {
            // Refused as no longer the DAO's: that node holds this node's departure, and is not asked again.
            tracked.handedOver.add(peer);
            this.#options.log?.(`sync ${dao} with ${peer}: refused (${tracked.lastError}); it holds this node's departure, not asking it again`);
          } else {
            this.#options.log?.(`sync ${dao} with ${peer}: refused (${tracked.lastError}); not asking it again for ${seconds(pauseMs)}, or until a new record arrives`);
          }
        } else if (!this.#stopped) {
          tracked.lastError = error instanceof SyncRefusedError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
          if (tracked.saidOf.get(peer) !== tracked.lastError) this.#options.log?.(`sync ${dao} with ${peer}: ${tracked.lastError}${error instanceof SyncRefusedError ? ' (said once while it answers the same)' : ''}`);
          tracked.saidOf.delete(peer);
          tracked.saidOf.set(peer, tracked.lastError);
          // Peers come and go: the longest silent ones are forgotten (at worst said once more).
          if (tracked.saidOf.size > 256) tracked.saidOf.delete(tracked.saidOf.keys().next().value!);
        }
      } finally {
        tracked.running.delete(peer);
        if (done !== null) this.#sessionBrought(done);
        this.#emit(dao);
        this.#pump(tracked);
      }
    })();
    this.#track(session);
    await session;
  }

  /**
   * One session per DAO at a time on this node, initiated or served: a peer that asks while another runs is
   * refused (BUSY) and asks again later. When two nodes start one with each other at once, the smaller peer
   * id's session goes on. A served session covers what was queued for that peer before it began. A peer left
   * alone after a session that ran out of time (TimeoutCoolOff) is refused too, told why and for how long.
   */
  #beginServing(dao: string, peer: string): ((ending: Error | null) => void) | { busy: string } {
    const tracked = this.#daos.get(dao);
    if (!tracked) return () => {};
    const coolingOff = this.#coolingOffFor(tracked, peer);
    if (coolingOff > 0) return { busy: `Your last session with this node for the DAO ${tracked.coolingOff.get(peer)!.why}; it takes another in ${seconds(coolingOff)}.` };
    // Say which session holds the slot: one between us, or one with another node.
    const mine = tracked.running.has(peer);
    if (mine && this.#node.peerId.toString() < peer) return { busy: 'This node has started a session for this DAO with you; that one goes on.' };
    if (tracked.serving.has(peer)) return { busy: 'A session for this DAO between us is already running.' };
    // (Our own session with this peer, if any, is about to be refused by it, its id being smaller: this one goes on.)
    if (tracked.running.size + tracked.serving.size > (mine ? 1 : 0)) return { busy: 'This node is in a session for this DAO with another node; ask again shortly.' };
    tracked.serving.add(peer);
    tracked.queue.delete(peer);
    this.#emit(dao);
    return (ending) => {
      tracked.serving.delete(peer);
      // A session compares both ways, whichever node asked: one served through is a sync as much as one started.
      if (ending === null) tracked.lastSyncAt = (this.#options.now ?? Date.now)();
      this.#sessionEnded(tracked, peer, ending);
      this.#emit(dao);
      this.#pump(tracked);
    };
  }

  /**
   * Notes how a session with `peer` ended: one that ran out of time, or that the peer broke (a protocol error: it
   * sent what was not asked, more than an answer can hold, envelopes the gate refuses past the limit), leaves the
   * peer alone for a while (twice as long each time in a row, TimeoutCoolOff); one that completed forgets those;
   * any other failure (a refusal, a dropped connection) changes nothing. Without it, a peer that breaks the
   * protocol could take the DAO's one session slot again the moment its last session ended.
   */
  #sessionEnded(tracked: Tracked, peer: string, ending: unknown): void {
    if (ending === null) {
      tracked.coolingOff.delete(peer);
      return;
    }
    const why = ending instanceof SyncTimeoutError ? 'ran out of time' : ending instanceof SyncProtocolError ? 'broke the sync protocol' : null;
    if (why === null) return;
    const coolOff = this.#options.timeoutCoolOff ?? defaultTimeoutCoolOff;
    const timeouts = (tracked.coolingOff.get(peer)?.timeouts ?? 0) + 1;
    const pauseMs = Math.min(coolOff.firstMs * 2 ** (timeouts - 1), coolOff.maxMs);
    tracked.coolingOff.set(peer, { until: performance.now() + pauseMs, timeouts, why });
    // A request queued meanwhile waits for a later round like any new one (#request).
    tracked.queue.delete(peer);
    this.#options.log?.(`sync ${tracked.dao} with ${peer}: ${why} (${(ending as Error).message}); no session with it for ${seconds(pauseMs)}`);
  }

  /** How long `peer` is still left alone for the DAO after a session that ran out of time or broke, in ms (0: not). */
  #coolingOffFor(tracked: Tracked, peer: string): number {
    const entry = tracked.coolingOff.get(peer);
    return entry === undefined ? 0 : Math.max(0, entry.until - performance.now());
  }

  /**
   * Whether this node's member has left the DAO or was removed (DaoSyncHost.departed). Such a node starts sessions
   * only with the DAO's nodes that may not hold the departure yet: its own rage quit, written while they were out
   * of reach, must still get to them; a node that knows refuses it, and is not asked again. It also serves those
   * that do not know yet and those that admit its member again.
   */
  #departed(tracked: Tracked): boolean {
    const departed = this.#host.departed(tracked.dao);
    if (departed && !tracked.departed) {
      this.#options.log?.(`sync ${tracked.dao}: this node's member is no longer a member (left, or was removed); it keeps the DAO's records, hands the departure to the DAO's nodes that lack it, and otherwise starts no sync for it`);
    }
    if (!departed) tracked.handedOver.clear();
    tracked.departed = departed;
    return departed;
  }

  /** Whether this node's member left and `peer` holds the departure already: then it is not asked for a session. */
  #handedOverTo(tracked: Tracked, peer: string): boolean {
    return this.#departed(tracked) && tracked.handedOver.has(peer);
  }

  /** How long no session is started with `peer` for the DAO, in ms: cooling off, or after refusing this node as not the DAO's. */
  #leftAloneFor(tracked: Tracked, peer: string): number {
    return Math.max(this.#coolingOffFor(tracked, peer), tracked.notMember.pausedFor(peer));
  }

  /**
   * The DAO's other nodes we are connected to, with the addresses they listen on (from identify): on a
   * requester's first session over a connection, then at most every `sharePeersEveryMs`.
   */
  async #sharePeers(dao: string, requester: string): Promise<SharedPeer[]> {
    const connectionId = this.#node.getConnections().find((connection) => connection.remotePeer.toString() === requester)?.id ?? '';
    const key = `${dao} ${requester}`;
    const last = this.#sharedWith.get(key);
    const now = performance.now();
    if (last && last.connection === connectionId && now - last.at < sharePeersEveryMs) return [];
    this.#sharedWith.set(key, { connection: connectionId, at: now });
    if (this.#sharedWith.size > 4096) this.#sharedWith.clear();
    const shared: SharedPeer[] = [];
    for (const connection of this.#node.getConnections()) {
      const id = connection.remotePeer.toString();
      if (id === requester || shared.some((peer) => peer.id === id) || !this.#host.mayServe(dao, id).ok) continue;
      // Listen addresses from identify; an inbound connection's remote address has a port nobody listens on.
      const stored = await this.#node.peerStore.get(connection.remotePeer).catch(() => null);
      const addrs = stored?.addresses.map((address) => address.multiaddr.toString()) ?? [];
      shared.push({ id, addrs: addrs.length > 0 ? addrs : [connection.remoteAddr.toString()] });
    }
    return shared;
  }

  /**
   * Dials the DAO nodes a peer told us of that we are not connected to, in random order (so that in a large
   * DAO not everyone dials the same few), until `maxDaoPeers` of them; catch-up starts on each new connection.
   */
  #meet(dao: string, peers: readonly SharedPeer[]): void {
    const self = this.#node.peerId.toString();
    let budget = maxDaoPeers - this.peersOf(dao).length;
    for (const peer of shuffled(peers)) {
      if (budget <= 0) return;
      if (peer.id === self || this.#node.getConnections().some((connection) => connection.remotePeer.toString() === peer.id)) continue;
      const addrs = peer.addrs.map((address) => dialableAddress(address, peer.id)).filter((address) => address !== null);
      if (addrs.length === 0) continue;
      budget--;
      this.#node.dial(addrs, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
        this.#options.log?.(`could not reach ${peer.id} of ${dao}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }

  /**
   * Catch-up brought something new: compare with the DAO's other nodes too (all, or a few in a large DAO), since
   * gossip did not carry it. Each node that takes it in passes it on the same way; a session that finds nothing
   * new stops the spread. (Every node asking every other, a DAO of 50 ran thousands of sessions for one envelope.)
   */
  #spread(dao: string, source: string): void {
    const peers = this.peersOf(dao).filter((peer) => peer !== source);
    const told = peers.length < spreadToAllUpTo ? peers : shuffled(peers).slice(0, spreadPeers);
    for (const peer of told) this.#request(dao, peer);
  }

  async #validate(dao: string, from: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    const peer = from.toString();
    // A valid envelope counts whoever relays it (a member's new device announces itself this way); anything
    // else from a peer that is not one of the DAO's nodes is penalised.
    if (data.length > maxGossipBytes + 64) return TopicValidatorResult.Reject;
    this.traffic.gossipIn += data.length;
    const fromNode = this.#host.mayServe(dao, peer).ok;
    const keyId = gossipKeyId(data);
    if (keyId === null) return TopicValidatorResult.Reject;
    const key = this.#host.gossipKeyById(dao, keyId);
    if (key === undefined) {
      // A key we do not hold yet (its record, or our box in it, has not reached us): catch-up brings this envelope.
      if (!fromNode) return TopicValidatorResult.Reject;
      this.#request(dao, peer);
      return TopicValidatorResult.Ignore;
    }
    const envelope = openGossip(key, recordHashFromId(dao), data);
    if (envelope === null) {
      // From a DAO node, not necessarily its fault: key ids are 8 bytes, and a member who found two keys with one
      // id could box one to some members and the other to the rest. Rejecting would make honest nodes score each
      // other out of the mesh; catch-up brings what the message held.
      if (!fromNode) return TopicValidatorResult.Reject;
      this.#request(dao, peer);
      return TopicValidatorResult.Ignore;
    }
    const outcome = await this.#host.acceptGossip(dao, envelope, peer).catch((): GossipOutcome => 'rejected');
    switch (outcome) {
      case 'accepted':
        // A new record may be what a peer that refused this node was waiting for (a delegation, a readmission).
        this.#daos.get(dao)?.notMember.changed();
        this.#emit(dao);
        return TopicValidatorResult.Accept;
      case 'held':
        // DAO nodes relay repeats as a matter of course; a stranger replaying old messages is penalised.
        return fromNode ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject;
      case 'waiting':
        // A stranger's unverifiable message is as bad as an invalid one.
        if (!fromNode) return TopicValidatorResult.Reject;
        // It builds on something we missed: fetch it from the peer that had it, and let catch-up bring this too.
        this.#request(dao, peer);
        return TopicValidatorResult.Ignore;
      case 'departed':
        // A DAO node may relay it having taken it in before it saw the departure: not its fault.
        return fromNode ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject;
      case 'conflicting':
        // A member's equivocation (or what they built on it): a DAO node that took the other side relays it in
        // good faith, and rejecting would score honest nodes out of each other's mesh.
        return fromNode ? TopicValidatorResult.Ignore : TopicValidatorResult.Reject;
      case 'rejected':
        return TopicValidatorResult.Reject;
    }
  }

  readonly #onSubscriptionChange = (event: CustomEvent<{ peerId: PeerId; subscriptions: Array<{ topic: string; subscribe: boolean }> }>): void => {
    const peer = event.detail.peerId.toString();
    // Both ends see the other subscribe; the one with the smaller peer id starts the session.
    if (this.#node.peerId.toString() > peer) return;
    for (const { topic, subscribe } of event.detail.subscriptions) {
      if (!subscribe) continue;
      for (const dao of this.#daos.keys()) {
        if (daoTopic(dao) === topic && this.#host.mayServe(dao, peer).ok) this.#request(dao, peer);
      }
    }
  };

  readonly #onConnection = (event: CustomEvent<Connection>): void => {
    // The dialler compares, so the two ends do not run the same session twice at once.
    if (event.detail.direction !== 'outbound') return;
    const peer = event.detail.remotePeer.toString();
    for (const dao of this.#daos.keys()) {
      if (this.#host.mayServe(dao, peer).ok) this.#request(dao, peer);
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

  /**
   * A session with `report.peer` ended, completed or cut short (a time limit, a timeout, a peer cut off for
   * misbehaving): what it accepted passed the gate, so it spreads all the same. Never back to that peer.
   */
  #sessionBrought(report: SyncReport): void {
    this.#count(report);
    if (report.accepted <= 0) return;
    this.#daos.get(report.dao)?.notMember.changed();
    this.#spread(report.dao, report.peer);
  }

  #count(report: SyncReport): void {
    this.traffic.repeatsIn += report.received - report.accepted - report.rejected;
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
