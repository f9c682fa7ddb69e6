// The UI's replicas of the DAOs of one host and identity. A replica opens on first use and stays open while the
// store runs; it syncs when it opens, when the host says its DAO changed (dao.changed), and whenever the
// connection to the host (re)opens, since events sent while it was down are lost. Why ask rather than have the
// update pushed in the event: one way serves both catching up after a gap and live changes, the event stays a
// few bytes for every window and the CLI, and a window only pays for the DAOs it has open.
import { base64 } from '@scure/base';
import { z } from 'zod';
import { DaoId, type Bridge } from '../../core/bridge/api.ts';
import type { ConnectionMonitor } from '../bridge/connection-state.ts';
import { LocalReplica } from './local-replica.ts';

/** Whose replicas these are: the host (its peer id) and the member (their address). */
export type ReplicaOwner = { readonly peerId: string; readonly address: string };

/** One database per DAO, per host and identity: two hosts or identities on one origin never share one. */
export function replicaDatabaseName(owner: ReplicaOwner, dao: string): string {
  return `daomesh:${owner.peerId}:${owner.address}:dao:${dao}`;
}

const knownDaosKey = (owner: ReplicaOwner): string => `daomesh.daos.${owner.peerId}.${owner.address}`;
const KnownDaos = z.array(DaoId).max(10_000);

export class ReplicaStore {
  readonly owner: ReplicaOwner;
  readonly #bridge: Bridge;
  readonly #connection: ConnectionMonitor;
  readonly #replicas = new Map<string, LocalReplica>();
  readonly #listeners = new Set<() => void>();
  #version = 0;

  constructor(bridge: Bridge, connection: ConnectionMonitor, owner: ReplicaOwner) {
    this.#bridge = bridge;
    this.#connection = connection;
    this.owner = owner;
  }

  /** Follows the host's events and connection; the returned function stops that and closes every replica. */
  start(): () => void {
    const offChanged = this.#bridge.on('dao.changed', ({ dao }) => void this.#replicas.get(dao)?.sync({ hostChanged: true }));
    const offConnection = this.#connection.subscribe(() => {
      if (this.#connection.get() !== 'open') return;
      for (const replica of this.#replicas.values()) void replica.sync();
    });
    return () => {
      offChanged();
      offConnection();
      for (const replica of this.#replicas.values()) replica.close();
      this.#replicas.clear();
      this.#changed();
    };
  }

  /** The DAO's replica, opened (from IndexedDB, then synced with the host) if it is not open yet. */
  open(dao: string): LocalReplica {
    let replica = this.#replicas.get(dao);
    if (!replica) {
      replica = new LocalReplica({
        dao,
        me: this.owner.address,
        databaseName: replicaDatabaseName(this.owner, dao),
        fetchUpdate: async (id, stateVector) => {
          const { update } = await this.#bridge.call('dao.sync', { dao: id, stateVector: base64.encode(stateVector) });
          return base64.decode(update);
        },
        onChange: () => this.#changed(),
      });
      this.#replicas.set(dao, replica);
      // A DAO opened here (just founded, joined, or listed) opens from IndexedDB after a reload too, even before
      // the host has listed it to this page.
      const known = this.knownDaos() ?? [];
      if (!known.includes(dao)) this.rememberDaos([...known, dao]);
      void replica.sync();
      this.#changed();
    }
    return replica;
  }

  /** The DAO's replica if it is open, without opening it. */
  peek(dao: string): LocalReplica | undefined {
    return this.#replicas.get(dao);
  }

  /** For React's useSyncExternalStore: any replica changed. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.#version;

  /** The DAOs the host last listed for this owner and those opened since, or null if there are none on this origin. */
  knownDaos(): string[] | null {
    try {
      const stored = window.localStorage.getItem(knownDaosKey(this.owner));
      if (stored === null) return null;
      const parsed = KnownDaos.safeParse(JSON.parse(stored));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  rememberDaos(ids: readonly string[]): void {
    try {
      window.localStorage.setItem(knownDaosKey(this.owner), JSON.stringify(ids));
    } catch {
      // Without storage the list waits for the host after a reload; nothing else changes.
    }
  }

  #changed(): void {
    this.#version += 1;
    for (const listener of [...this.#listeners]) listener();
  }
}
