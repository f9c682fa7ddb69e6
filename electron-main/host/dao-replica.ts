// One DAO on this host: its Y.Doc, its fold, its envelope log and snapshots. Every envelope that reaches the
// log passed the update gate (or was written here); the fold and the doc are rebuilt from the log on open,
// from the newest snapshot on when there is one, so opening a large DAO re-verifies only what came after it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as Y from 'yjs';
import { appendRecords, createDaoDoc, ledgerRecords, localUpdate } from '../../core/dao/dao-doc.ts';
import type { Envelope } from '../../core/dao/envelope.ts';
import { applyCheckedEnvelope, checkEnvelope } from '../../core/dao/update-gate.ts';
import { DaomeshError } from '../../core/errors.ts';
import { DaoLedger } from '../../core/governance/dao-ledger.ts';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { LedgerRecord } from '../../core/ledger/record.ts';
import type { Ed25519Verify } from '../../core/ledger/verifier.ts';
import { EnvelopeLog } from './envelope-log.ts';
import { SnapshotStore } from './snapshot-store.ts';

/** A snapshot every this many records, so a cold open replays at most about this many envelopes. */
const snapshotEvery = 1000;

export type ReplicaOpenReport = { fromSnapshot: boolean; replayed: number; rejected: number };

export class DaoReplica {
  readonly id: string;
  readonly doc: Y.Doc;
  readonly ledger: DaoLedger;
  readonly #log: EnvelopeLog;
  readonly #snapshots: SnapshotStore;
  readonly #verify: Ed25519Verify;
  /** `${author}:${device key hex}` → id of the delegation record. */
  readonly #delegations = new Map<string, string>();
  /** Everyone ever admitted: the gate lets them write; whether a write counts is the fold's business. */
  #everMembers = new Set<string>();
  #recordsAtSnapshot = 0;

  private constructor(id: string, log: EnvelopeLog, snapshots: SnapshotStore, verify: Ed25519Verify) {
    this.id = id;
    this.doc = createDaoDoc();
    this.ledger = new DaoLedger(id);
    this.#log = log;
    this.#snapshots = snapshots;
    this.#verify = verify;
  }

  static directory(daosDir: string, id: string): string {
    return join(daosDir, id);
  }

  static async open(daosDir: string, id: string, verify: Ed25519Verify): Promise<{ replica: DaoReplica; report: ReplicaOpenReport }> {
    const dir = DaoReplica.directory(daosDir, id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const snapshots = await SnapshotStore.open(join(dir, 'snapshots'));
    const { snapshot } = await snapshots.loadNewest();
    const log = await EnvelopeLog.open(join(dir, 'envelopes.log'), { resumeFrom: snapshot ?? undefined });
    const replica = new DaoReplica(id, log, snapshots, verify);
    const report: ReplicaOpenReport = { fromSnapshot: false, replayed: 0, rejected: 0 };
    let from = 0;
    if (snapshot && log.recovery.resumed) {
      // Everything in the snapshot passed the gate when it arrived: apply it without re-verifying.
      Y.applyUpdate(replica.doc, snapshot.payload, 'snapshot');
      replica.#take([...ledgerRecords(replica.doc)]);
      replica.#recordsAtSnapshot = replica.ledger.size;
      report.fromSnapshot = true;
      from = snapshot.logOffset;
    }
    for await (const frame of log.frames(from > 0 ? { from } : {})) {
      const accepted = replica.#check(frame);
      if (accepted === null) report.rejected++;
      else report.replayed++;
    }
    return { replica, report };
  }

  isMember(address: string): boolean {
    if (this.#everMembers.has(address)) return true;
    this.#refreshMembers();
    return this.#everMembers.has(address);
  }

  delegationOf(author: string, deviceKey: Uint8Array): string | undefined {
    return this.#delegations.get(`${author}:${bytesToHex(deviceKey)}`);
  }

  /**
   * Writes records made on this host: one Yjs transaction, sealed into one envelope, durable in the log
   * before the fold sees them.
   */
  async writeLocal(records: readonly LedgerRecord[], seal: (update: Uint8Array) => Envelope): Promise<void> {
    const update = localUpdate(this.doc, () => appendRecords(this.doc, records, 'local'), 'local');
    if (update === null) return;
    const envelope = seal(update);
    await this.#log.append([envelope.bytes]);
    this.#take(records);
    await this.#maybeSnapshot();
  }

  /** Takes an envelope from outside (a peer, or this log on a cold open): gate, apply, fold; null if refused. */
  async acceptRemote(bytes: Uint8Array): Promise<LedgerRecord[] | null> {
    const records = this.#check(bytes);
    if (records === null) return null;
    await this.#log.append([bytes]);
    await this.#maybeSnapshot();
    return records;
  }

  async close(): Promise<void> {
    if (this.ledger.size !== this.#recordsAtSnapshot) await this.#saveSnapshot();
    await this.#log.close();
  }

  #check(bytes: Uint8Array): LedgerRecord[] | null {
    const result = checkEnvelope(this.doc, bytes, {
      dao: this.id,
      isMember: (address) => this.isMember(address),
      verifyEd25519: this.#verify,
    });
    if (!result.ok) return null;
    applyCheckedEnvelope(this.doc, result, 'remote');
    const records = [...result.records];
    this.#take(records);
    return records;
  }

  #take(records: readonly LedgerRecord[]): void {
    if (records.length === 0) return;
    for (const record of records) {
      if (record.record.kind === 'device.delegate' && record.record.body.device instanceof Uint8Array) {
        this.#delegations.set(`${record.author}:${bytesToHex(record.record.body.device)}`, record.id);
      }
    }
    this.ledger.add(records);
    this.#refreshMembers();
  }

  #refreshMembers(): void {
    this.#everMembers = new Set(this.ledger.everMembers());
  }

  async #maybeSnapshot(): Promise<void> {
    if (this.ledger.size - this.#recordsAtSnapshot >= snapshotEvery) await this.#saveSnapshot();
  }

  async #saveSnapshot(): Promise<void> {
    const checkpoint = this.#log.checkpoint();
    await this.#snapshots.save({ ...checkpoint, payload: Y.encodeStateAsUpdate(this.doc) });
    this.#recordsAtSnapshot = this.ledger.size;
  }
}

export function notFound(id: string): DaomeshError {
  return new DaomeshError('DAO_NOT_FOUND', `This node holds no DAO ${id}.`, 'Check the id with `daomesh dao list`.');
}
