// One DAO on this host: its Y.Doc, its fold, its envelope log and snapshots. Every envelope that reaches the
// log passed the update gate (or was written here); the fold and the doc are rebuilt from the log on open,
// from the newest snapshot on when there is one, so opening a large DAO re-verifies only what came after it.
//
// A snapshot holds, in three parts, the delegations seen, the fold's own state (DaoLedger.exportFold) and the
// doc's state, so opening judges and decodes nothing it did before: the fold is taken back as it was, and the
// doc — needed only to check and apply updates, and the biggest part — is read and built the first time
// something asks for it. A fold state this version cannot take (damaged, older rules, other proposal kinds)
// is folded again from the doc's records instead; a snapshot whose checksums fail is skipped for an older
// one or the whole log.
//
// The doc and the fold take an envelope before its append is durable (the gate needs the doc as it stands, and
// the next envelope of a catch-up frame the fold's membership). So an append that fails leaves them holding
// something the log does not: the replica then refuses everything until it is opened again (from the log and
// the last snapshot, which cannot hold it), saves no snapshot, serves no doc, and folds again, from the doc's
// records but the refused ones, so that its ledger shows only what is stored.
//
// A log rebuilt after damage may hold envelopes whose predecessors were lost with a damaged frame: they wait,
// in the log, until what they build on arrives again from peers, and no snapshot is saved while any wait (a
// snapshot's checkpoint past them would leave them unread for good). A log rebuilt while the DAO is open is
// read back at once into a new doc and fold (#rebuildLog): the old ones held the lost envelopes' items, so
// the gate refused those envelopes when peers sent them again (CLOCK_CONFLICT) until the next open.
import * as dagCbor from '@ipld/dag-cbor';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { base64urlnopad } from '@scure/base';
import * as Y from 'yjs';
import { RecordId } from '../../core/bridge/api.ts';
import { appendRecords, applyWholeState, createDaoDoc, ledgerEntries, ledgerRecords, ledgerSize, localUpdate, recordBytes } from '../../core/dao/dao-doc.ts';
import type { Envelope, EnvelopeSealer } from '../../core/dao/envelope.ts';
import { previousLedgerRecord } from '../../core/dao/client-sequence.ts';
import { clientsPerKey, isClientOf, yjsClientOf } from '../../core/dao/yjs-client.ts';
import { applyCheckedEnvelope, checkEnvelope } from '../../core/dao/update-gate.ts';
import { DaomeshError } from '../../core/errors.ts';
import { DaoLedger } from '../../core/governance/dao-ledger.ts';
import { bytesToHex } from '@noble/hashes/utils.js';
import { addressBytes, decodeRecord, recordHashFromId, type LedgerRecord } from '../../core/ledger/record.ts';
import { ed25519KeyOfPeerId, nodeClaimMessage } from '../../core/dao/device-delegation.ts';
import type { Ed25519Verify } from '../../core/ledger/verifier.ts';
import { waitsForCatchUp, type GateRejection } from '../../core/dao/gate-rejection.ts';
import { DeviceTable, type DeviceFacts } from './device-table.ts';
import { EnvelopeIndex } from './envelope-index.ts';
import { mkdirDurable, writeFileAtomic } from './data-dir.ts';
import { EnvelopeLog, StorageError, type AppendResult, type LogRecovery } from './envelope-log.ts';
import { nativeSha256 } from './native-sha256.ts';
import { SnapshotStore, type PartedSnapshot } from './snapshot-store.ts';

/**
 * A snapshot after this many new records, or a sixteenth of the DAO if more: a cold open after a crash replays
 * about that many envelopes (more in a burst, see snapshotPause), and writing a snapshot (which grows with the
 * DAO) costs each record about the same at any size.
 */
const snapshotEvery = 1000;
const snapshotShare = 16;
/**
 * A snapshot's cost grows with the DAO (the doc and the fold encoded, hashed and written, ~4 us per record
 * held): taken every sixteenth of the DAO while a catch-up pours records in, snapshots took about half as long
 * as checking the records (a 60k-record catch-up: 179 us a record, 129 with this pause). So a due snapshot
 * also waits until this many times the last one's duration has passed since it ended: at most about a tenth
 * of the time goes to snapshots, and a crash in a burst replays at most that wait's records. A timer takes
 * the snapshot put off once the pause is over, also when no record comes after it.
 */
const snapshotPause = 9;
/** A snapshot is put off a minute at most, however long the last one took. */
const maxSnapshotWaitMs = 60_000;
/** The replay on open takes envelopes from the log in runs of this many (frames are copies, so a run can wait). */
const replayRunEnvelopes = 64;
/** The replay on open folds the records of its envelopes in runs of about this many. */
const foldBatch = 1024;
/**
 * Snapshot parts: DAG-CBOR { v, pending, devices }, the fold's state, the doc's state (Yjs V1). A snapshot of
 * one part is of the first format: the doc's state alone.
 */
/**
 * 5: the meta part also holds the records held back for claiming a time ahead of the clock (their bytes), and
 * `pending` counts only those waiting for deps: a record claiming a time years ahead no longer makes every open
 * build the doc to find it. 4 (still read) counted held records in `pending`.
 * 4: the meta part lists every device delegation and revocation (DeviceTable's facts). 3 listed the table as
 * replayed in arrival order, which could hold a revoked device: a v2 or v3 snapshot refolds from the doc once.
 */
const snapshotVersion = 5;
/** Held records a snapshot's meta carries at most (see #saveSnapshot). */
const heldInSnapshot = 1000;

export type ReplicaOpenReport = {
  fromSnapshot: boolean;
  /** The fold came back from the snapshot as it was (false: folded again from the records). */
  foldFromSnapshot: boolean;
  replayed: number;
  rejected: number;
};

/** What the first part says: how many records the fold was waiting for, the device records seen, the records held back. */
type SnapshotMeta = { v: number; pending: number; devices: DeviceFacts; held: LedgerRecord[] };

/**
 * The Yjs client this host writes the DAO's doc as, and the clock its last write reached, kept in this file next
 * to the log (DAG-CBOR { client, clock }), so that every session writes as one client and state vectors do not
 * grow by one entry per session that wrote.
 */
const writerFile = 'yjs-writer';

/** When this host first held each proposal, as JSON { id: ms } (arrivalOf). */
const arrivalsFile = 'proposal-arrivals.json';

/** What a replica stopped by a bug (not by a refusal or the disk) tells its caller. */
const internalErrorHint = 'Restart the node: it opens the DAO again from what was stored. Please report this as a bug.';

export type DaoReplicaOptions = {
  /** Where a failure nobody awaits goes (a snapshot taken by its timer). */
  log?: ((line: string) => void) | undefined;
  /** How many times the last snapshot's duration a due one waits after it (default 9, see snapshotPause). */
  snapshotPause?: number | undefined;
  /** The clock that dates proposals' arrivals and holds back records claiming a time far ahead (default Date.now). */
  now?: (() => number) | undefined;
};

/**
 * What became of a peer's envelope. Taken: the records it added, and its bytes as the replica keeps them (the
 * gate's own copy when it came as a view of a larger buffer, such as a catch-up frame).
 */
export type RemoteOutcome = { ok: true; records: LedgerRecord[]; bytes: Uint8Array } | { ok: false; reason: GateRejection };

/** An envelope made durable in the log, with the records it added. */
export type AppendedEnvelope = { bytes: Uint8Array; records: readonly LedgerRecord[]; origin: 'local' | 'remote' };

export class DaoReplica {
  readonly id: string;
  #ledger: DaoLedger;
  #doc: Y.Doc | null = null;
  /** The snapshot whose third part is the doc's state, until the doc is first needed and built from it. */
  #docState: PartedSnapshot | null = null;
  readonly #log: EnvelopeLog;
  readonly #snapshots: SnapshotStore;
  readonly #verify: Ed25519Verify;
  /**
   * Device delegations and revocations, with the libp2p node each delegation proved it runs on (#nodeProven):
   * which device keys are live, and who a peer belongs to (catch-up sync). One node claim never replaces another
   * (a node may run devices of two members, and a member who left must not cut the other off).
   */
  #devices = new DeviceTable();
  /** Delegation records the gate asked for, decoded once (every device-signed envelope names one). */
  #delegationRecords = new Map<string, LedgerRecord>();
  /** Everyone ever admitted: the gate lets them write; whether a write counts is the fold's business. */
  #everMembers = new Set<string>();
  #recordsAtSnapshot = 0;
  /** When the last snapshot ended and how long it took (performance.now() ms), for snapshotPause. */
  #lastSnapshot = { end: -Infinity, took: 0 };
  #snapshotTimer: ReturnType<typeof setTimeout> | null = null;
  #snapshotsTaken = 0;
  /** The snapshot being written (none other is started meanwhile), which close waits for. */
  #saving: Promise<void> | null = null;
  #closed = false;
  readonly #report: (line: string) => void;
  readonly #snapshotPause: number;
  /** Writes applied to the doc (and fold) whose envelopes are not durable yet: no snapshot while there are any. */
  #unlogged = 0;
  /** Who waits for #unlogged to come to 0 (close: a snapshot then pairs the state with every append's end). */
  #whenLogged: (() => void)[] = [];
  /** Set while the log is rebuilt and read back (#rebuildLog): writes and peers' envelopes wait for it. */
  #rebuilding: Promise<void> | null = null;
  #index: Promise<EnvelopeIndex> | null = null;
  /** Set when an append failed: the doc and fold may hold what the log does not, so nothing more is taken or kept. */
  #failed: DaomeshError | null = null;
  /** Ids of the records the doc took whose envelopes' appends failed: left out of the fold (#foldStoredOnly). */
  readonly #unstored = new Set<string>();
  /**
   * Set when the log was rebuilt after damage this session, until the doc and fold are read back from it: till
   * then they may hold records of the frames it lost, so no snapshot is saved (the snapshots are dropped).
   */
  #logRebuilt = false;
  /** Envelopes in the log the gate could not take yet (what they build on was lost from the log), oldest first. */
  #waiting: Uint8Array[] = [];
  readonly #appendListeners = new Set<(appended: AppendedEnvelope) => void>();
  /**
   * Records in the doc whose fold is put off to the end of a run of envelopes (a catch-up frame, the replay on
   * open): folded together, between runs of signature checks, the fold's code and data stay in cache (~1-2 us
   * a record). Only isMember could ask the fold meanwhile, and it folds them first.
   */
  #unfolded: LedgerRecord[] = [];
  /** This host's Yjs client for the doc and the clock its own writes reached (null: none chosen yet). */
  #writer: { client: number; clock: number } | null = null;
  #writerPath = '';
  readonly #now: () => number;
  /** When this host first held each proposal it took in once open (not what the open read back), by id. */
  #arrivals = new Map<string, number>();
  #arrivalsPath = '';
  #savingArrivals: Promise<void> = Promise.resolve();
  #arrivalsQueued = false;

  /** What it was opened with: a read-back after a repair opens its fresh replica with the same clock and log. */
  readonly #options: DaoReplicaOptions;

  private constructor(id: string, log: EnvelopeLog, snapshots: SnapshotStore, verify: Ed25519Verify, ledger: DaoLedger, options: DaoReplicaOptions) {
    this.id = id;
    this.#ledger = ledger;
    this.#log = log;
    this.#snapshots = snapshots;
    this.#verify = verify;
    this.#options = options;
    this.#report = options.log ?? (() => {});
    this.#snapshotPause = options.snapshotPause ?? snapshotPause;
    this.#now = options.now ?? Date.now;
  }

  static directory(daosDir: string, id: string): string {
    return join(daosDir, id);
  }

  static async open(daosDir: string, id: string, verify: Ed25519Verify, options: DaoReplicaOptions = {}): Promise<{ replica: DaoReplica; report: ReplicaOpenReport }> {
    const dir = DaoReplica.directory(daosDir, id);
    await mkdirDurable(dir); // a DAO reported created must still be there after a power cut
    const snapshots = await SnapshotStore.open(join(dir, 'snapshots'));
    const { snapshot } = await snapshots.loadNewestParts(2);
    const log = await EnvelopeLog.open(join(dir, 'envelopes.log'), { resumeFrom: snapshot ?? undefined });
    const report: ReplicaOpenReport = { fromSnapshot: false, foldFromSnapshot: false, replayed: 0, rejected: 0 };
    const replica = new DaoReplica(id, log, snapshots, verify, new DaoLedger(id), options);
    reportRecovery(id, log.recovery, replica.#report);
    try {
      const from = snapshot && log.recovery.resumed ? replica.#startFrom(snapshot, report) : 0;
      await replica.#replay(from, report);
    } catch (error) {
      await log.close().catch(() => undefined); // the caller gets no replica to close it
      throw error;
    }
    replica.#writerPath = join(dir, writerFile);
    replica.#writer = await readWriter(replica.#writerPath);
    replica.#arrivalsPath = join(dir, arrivalsFile);
    replica.#arrivals = await readArrivals(replica.#arrivalsPath);
    return { replica, report };
  }

  /**
   * Takes a new replica's state back from a snapshot of its log (one the log resumes after) and returns the
   * log offset to replay from: the snapshot's, or 0 when nothing of it could be taken.
   */
  #startFrom(snapshot: PartedSnapshot, report: ReplicaOpenReport): number {
    // Everything in the snapshot passed the gate when it arrived: take it back without re-verifying.
    const meta = snapshot.count === 3 ? decodeMeta(snapshot.parts[0]!) : null;
    const ledger = meta ? importedFold(this.id, snapshot.parts[1]!) : null;
    if (meta && ledger) {
      this.#ledger = ledger;
      this.#devices = DeviceTable.fromFacts(meta.devices);
      this.#docState = snapshot;
      // They passed the gate when they arrived, as everything in the snapshot did; held again, or in if due.
      if (meta.held.length > 0) this.#ledger.add(meta.held, this.#now());
      // Records the fold was waiting for are only in the doc: build it now, which takes them in again.
      if (meta.pending > 0) void this.doc;
      report.foldFromSnapshot = true;
      report.fromSnapshot = true;
    } else {
      // The first format, or a fold this version cannot take: fold the doc's records again.
      const state = snapshot.count === 1 ? snapshot.parts[0]! : snapshot.readPart(2);
      const doc = createDaoDoc();
      if (state !== null && tookSnapshotState(doc, state)) {
        this.#doc = doc;
        this.#take([...ledgerRecords(doc)]);
        report.fromSnapshot = true;
      } else {
        snapshot.setAside(); // then the whole log is read, here and at later opens
      }
    }
    if (!report.fromSnapshot) return 0;
    this.#refreshMembers();
    this.#recordsAtSnapshot = this.ledger.size;
    return snapshot.logOffset;
  }

  /** The DAO's fold: every record this host holds, judged by the rules. */
  get ledger(): DaoLedger {
    return this.#ledger;
  }

  /**
   * Reads the log's envelopes from byte `from` (0: all of them) through the gate into the doc and fold. They are
   * read a run at a time and each run goes through the gate in one Yjs transaction, as a catch-up frame does
   * (acceptRemoteMany).
   */
  async #replay(from: number, report: ReplicaOpenReport): Promise<void> {
    let run: Uint8Array[] = [];
    const replayRun = (): void => {
      const envelopes = run;
      run = [];
      if (envelopes.length === 0) return; // the doc is built on first use: not for nothing
      this.doc.transact(() => {
        for (const envelope of envelopes) {
          const result = this.#gate(envelope, true);
          if (result.ok) report.replayed++;
          else if (waitsForCatchUp(result.reason)) this.#waiting.push(envelope);
          else report.rejected++;
          if (this.#unfolded.length >= foldBatch) this.#foldUnfolded();
        }
      }, 'remote');
    };
    try {
      for await (const frame of this.#log.frames(from > 0 ? { from } : {})) {
        run.push(frame);
        if (run.length >= replayRunEnvelopes) replayRun();
      }
      replayRun();
    } finally {
      this.#foldUnfolded();
    }
    // Only after damage: envelopes whose predecessors come later in the rebuilt log, or not at all yet.
    report.replayed += this.#retryWaiting();
    report.rejected += this.#waiting.length;
  }

  /**
   * The DAO's Y.Doc; after a cold open from a snapshot, read from it and built on first use. Throws
   * STORAGE_FAILED if the snapshot's doc part was damaged meanwhile: the store has then set that snapshot
   * aside, and opening the DAO again starts from an older one or the log.
   */
  get doc(): Y.Doc {
    // After a failed append the doc may hold an update the log lost: it is not served.
    if (this.#failed !== null) throw this.#failed;
    if (this.#doc === null) {
      const doc = createDaoDoc();
      if (this.#docState !== null) {
        const state = this.#docState.readPart(2);
        if (state === null || !tookSnapshotState(doc, state)) {
          this.#docState.setAside();
          throw new DaomeshError('STORAGE_FAILED', `The snapshot of DAO ${this.id} could not be read back.`, 'Restart the node: it opens the DAO again from an older snapshot or its log.');
        }
        // The fold has every record of the doc but those it was waiting for; take those in again.
        this.#addMissingFrom(doc);
      }
      this.#doc = doc;
      this.#docState = null;
    }
    return this.#doc;
  }

  isMember(address: string): boolean {
    if (this.#everMembers.has(address)) return true;
    // An admission may be among the records whose fold was put off.
    this.#foldUnfolded();
    this.#refreshMembers();
    return this.#everMembers.has(address);
  }

  /** A member now, by the fold (false also while the genesis has not arrived). */
  isCurrentMember(address: string): boolean {
    try {
      return this.ledger.governanceState().members.has(address);
    } catch {
      return false;
    }
  }

  /** The members whose delegated devices name this libp2p node (multihash bytes, base64url), unless revoked. */
  nodeOwners(node: string): string[] {
    return this.#devices.nodeOwners(this.ledger, node);
  }

  /** The id of the author's live delegation of this device key (valid, and no valid revocation saw it). */
  delegationOf(author: string, deviceKey: Uint8Array): string | undefined {
    return this.#devices.delegationOf(this.ledger, `${author}:${bytesToHex(deviceKey)}`);
  }

  /**
   * True when this replica holds the delegation `delegation` of `deviceKey` by `author` and the device has no live
   * delegation: a valid revocation saw it. (A delegation not held yet is the gate's MISSING_DELEGATION.) A table
   * lookup: gossip asks it of every device envelope.
   */
  deviceRevoked(author: string, deviceKey: Uint8Array, delegation: string): boolean {
    return this.#devices.outOfUse(this.ledger, `${author}:${bytesToHex(deviceKey)}`, delegation);
  }

  /**
   * The record the next local write signed with `key` must list among its deps (RecordContext.previous): what
   * the Yjs client it will write as holds last (core/dao/client-sequence.ts), or null.
   */
  previousOfWriter(key: Uint8Array): string | null {
    return previousLedgerRecord(this.doc, this.#localWriter(this.doc, key).client);
  }

  /**
   * Writes records made on this host, and `change` (a collaborative text edit) in the same transaction: one Yjs
   * transaction, sealed into one envelope, durable in the log before the fold sees them.
   */
  async writeLocal(records: readonly LedgerRecord[], sealer: EnvelopeSealer, change?: (doc: Y.Doc) => void): Promise<void> {
    while (this.#rebuilding !== null) await this.#rebuilding;
    this.#refuseIfStopped();
    let envelope: Envelope;
    let stored: AppendResult;
    this.#unlogged++;
    try {
      const doc = this.doc;
      // The doc writes as this host's own client only inside its local transactions, so that a peer's update
      // written as the same client (a clash) is taken in like any other and shows here as a clock not ours.
      const writer = this.#localWriter(doc, sealer.key);
      const session = doc.clientID;
      doc.clientID = writer.client;
      let update: Uint8Array | null;
      let added: string[] = [];
      try {
        update = localUpdate(doc, () => {
          added = appendRecords(doc, records, 'local');
          change?.(doc);
        }, 'local');
      } finally {
        doc.clientID = session;
      }
      if (update === null) return;
      const reached = { client: writer.client, clock: Y.getState(doc.store, writer.client) };
      this.#writer = reached;
      envelope = sealer.seal(update);
      stored = await this.#append([envelope.bytes], added);
      // Not fsynced: after a crash it may name an older clock, and a clock that is not the doc's makes the next
      // write choose a new client, which is always safe.
      await writeWriter(this.#writerPath, reached);
      this.#take(records);
    } finally {
      this.#leaveUnlogged();
    }
    await this.#appended({ bytes: envelope.bytes, records, origin: 'local' }, stored, 0);
    this.#retryWaiting();
    await this.#maybeSnapshot();
  }

  /** Takes an envelope from a peer: gate, apply, fold, log; or the gate's reason for refusing it. */
  async acceptRemote(bytes: Uint8Array): Promise<RemoteOutcome> {
    while (this.#rebuilding !== null) await this.#rebuilding;
    this.#refuseIfStopped();
    const result = this.#gate(bytes);
    if (!result.ok) return result;
    this.#unlogged++;
    let stored: AppendResult;
    try {
      stored = await this.#append([result.bytes], result.records.map((record) => record.id));
    } finally {
      this.#leaveUnlogged();
    }
    await this.#appended({ bytes: result.bytes, records: result.records, origin: 'remote' }, stored, 0);
    this.#retryWaiting();
    await this.#maybeSnapshot();
    return result;
  }

  /**
   * Takes a run of envelopes from a peer (a catch-up frame): each through the gate in order, then every
   * accepted one durable in a single log append, so a frame costs one fsync instead of one per envelope.
   */
  async acceptRemoteMany(envelopes: readonly Uint8Array[]): Promise<RemoteOutcome[]> {
    while (this.#rebuilding !== null) await this.#rebuilding;
    this.#refuseIfStopped();
    const outcomes: RemoteOutcome[] = [];
    if (envelopes.length === 0) return outcomes;
    try {
      // One Yjs transaction for the frame: each envelope's update applies at once (the gate reads the doc as it
      // stands), but Yjs's per-transaction work (state-vector snapshot, cleanup, events) runs once, not per envelope.
      this.doc.transact(() => {
        for (const bytes of envelopes) outcomes.push(this.#gate(bytes, true));
      }, 'remote');
    } catch (error) {
      // A bug mid-frame (#gate says which): the envelopes taken before it are in the doc but not in the log.
      const taken = outcomes.flatMap((outcome) => (outcome.ok ? outcome.records.map((record) => record.id) : []));
      this.#stop(`hit an internal error taking a catch-up frame (${error instanceof Error ? error.message : String(error)})`, internalErrorHint, taken);
      throw error;
    } finally {
      this.#foldUnfolded();
    }
    // The envelopes as the doc keeps them, not the frame's views: the envelope index and the listeners keep
    // them too, and a view would keep the whole frame alive (refused and repeated envelopes in it as well).
    const accepted = outcomes.flatMap((outcome) => (outcome.ok ? [{ bytes: outcome.bytes, records: outcome.records }] : []));
    if (accepted.length === 0) return outcomes;
    this.#unlogged++;
    let stored: AppendResult;
    try {
      stored = await this.#append(
        accepted.map((entry) => entry.bytes),
        accepted.flatMap((entry) => entry.records.map((record) => record.id)),
      );
    } finally {
      this.#leaveUnlogged();
    }
    for (const [i, entry] of accepted.entries()) await this.#appended({ ...entry, origin: 'remote' }, stored, i);
    this.#retryWaiting();
    await this.#maybeSnapshot();
    return outcomes;
  }

  /**
   * Every envelope in the log, by id (built from the log on first use, then kept current). Reading it is the
   * first time the frames before a snapshot's checkpoint are read since it was taken: damage found there gets
   * the log rebuilt (see #rebuildLog). A build that fails is reported and tried again on the next call.
   */
  envelopeIndex(): Promise<EnvelopeIndex> {
    if (this.#index === null) {
      const building = this.#buildIndex().catch((error: unknown) => {
        if (this.#index === building) this.#index = null;
        this.#report(`envelope index of DAO ${this.id}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      });
      this.#index = building;
    }
    return this.#index;
  }

  async #buildIndex(): Promise<EnvelopeIndex> {
    try {
      return await this.#readIndex();
    } catch (error) {
      if (!(error instanceof StorageError && error.code === 'LOG_CORRUPT')) throw error;
    }
    await this.#rebuildLog();
    return await this.#readIndex();
  }

  async #readIndex(): Promise<EnvelopeIndex> {
    const logId = this.#log.logId;
    const index = new EnvelopeIndex(logId);
    for await (const { offset, bytes } of this.#log.entries()) index.add(bytes, offset, logId);
    return index;
  }

  /**
   * The envelopes with these ids that this DAO's log holds, each once, in log order (each after what it builds
   * on), read from the log. Damage found in the log meanwhile ends the read with LOG_CORRUPT and drops the
   * index: the next call builds it again, which reads the whole log and so rebuilds it (#buildIndex).
   */
  async *envelopes(ids: readonly Uint8Array[]): AsyncGenerator<Uint8Array, void, undefined> {
    while (this.#rebuilding !== null) await this.#rebuilding;
    if (this.#closed) throw this.#closedWhileServing();
    const building = this.envelopeIndex();
    const index = await building;
    const found = index.find(ids);
    let served = 0;
    try {
      if (index.logId !== this.#log.logId) throw new Error(`The envelope index of DAO ${this.id} is of an older log; it is built again.`);
      for await (const bytes of this.#log.framesAt(found.map((entry) => entry.offset))) {
        if (this.#closed) break;
        // Offsets that no longer lead to the envelope named are never served as it.
        if (EnvelopeIndex.idOf(bytes) !== found[served]!.id) throw new Error(`The envelope index of DAO ${this.id} points at other envelopes than it names; it is built again.`);
        served++;
        yield bytes;
      }
    } catch (error) {
      // A read the close cut short (the log's handle went) found no damage: the index stays, the peer learns why.
      if (this.#closed) throw this.#closedWhileServing();
      if (this.#index === building) this.#index = null;
      this.#report(`serving envelopes of DAO ${this.id}: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
    if (served < found.length) throw this.#closedWhileServing();
  }

  #leaveUnlogged(): void {
    this.#unlogged--;
    if (this.#unlogged > 0) return;
    const waiting = this.#whenLogged;
    this.#whenLogged = [];
    for (const resolve of waiting) resolve();
  }

  /** Throws for a change that comes after the replica failed or began to close. */
  #refuseIfStopped(): void {
    if (this.#failed !== null) throw this.#failed;
    if (this.#closed) throw new DaomeshError('STORAGE_FAILED', `DAO ${this.id} is closed on this node and takes no more changes.`, 'Open it again to go on.');
  }

  #closedWhileServing(): DaomeshError {
    return new DaomeshError('SYNC_FAILED', `DAO ${this.id} was closed on this node while it served its envelopes.`, 'Sync again once the DAO is open.');
  }

  /**
   * Rebuilds a damaged log from its intact frames. The doc and fold (from a snapshot, or read before the damage)
   * still hold the records of the frames lost, whose envelopes this host can no longer serve and the gate would
   * refuse when peers send them again: so when frames were lost, the doc, fold and tables are read back from the
   * rebuilt log, as a cold open would (from the newest snapshot whose checkpoint the damage is past: #snapshotKept), and
   * catch-up brings the lost envelopes back from peers. Writes and peers' envelopes wait meanwhile, so that the
   * read-back misses none of what they append. Until it has been read back (or if that fails) no snapshot is
   * saved, and the old ones are dropped either way. A repair that finds no damage (a read that failed once)
   * changes nothing: the snapshots stay and new ones are taken.
   */
  async #rebuildLog(): Promise<void> {
    this.#logRebuilt = true; // before the log takes its new id: no snapshot may pair this state with it
    this.#cancelSnapshotTimer();
    let rebuilt = (): void => {};
    this.#rebuilding = new Promise((resolve) => (rebuilt = resolve));
    try {
      // Writes and envelopes that got in before this wait have queued their appends already (each in the turn it
      // got in): repair() writes those first, so the read-back sees them.
      const recovery = await this.#log.repair();
      if (recovery.outcome === 'clean') {
        // Read again whole, the log holds no damage (a read that failed once): it is as it was, id and all, so its
        // snapshots still pair with it and new ones may be taken.
        this.#logRebuilt = false;
        this.#report(`envelope log of DAO ${this.id}: a read found damage that reading the whole log again did not; nothing was rebuilt.`);
        return;
      }
      try {
        void this.doc; // read now what it still needs of the snapshot, before the snapshot goes
      } catch {
        // Damaged: the doc getter keeps refusing until the DAO is read back or opened again, from the log.
      }
      const snapshot = recovery.outcome === 'corrupt' ? await this.#snapshotKept() : null;
      await this.#snapshots.dropAll();
      if (recovery.outcome !== 'corrupt') return;
      let readBack: string;
      try {
        const report = await this.#readBack(snapshot);
        const after = report.fromSnapshot ? ' after its last snapshot' : '';
        readBack = `The DAO was read back from it (${report.replayed} envelopes taken${after}, ${this.#waiting.length} waiting for what was lost)`;
      } catch (error) {
        readBack = `Reading the DAO back from it failed (${error instanceof Error ? error.message : String(error)}): it is verified again from its log when next opened`;
      }
      this.#report(
        `envelope log of DAO ${this.id} was damaged at byte ${recovery.damagedAt}: rebuilt without ${recovery.droppedBytes} damaged bytes, ` +
          `${recovery.keptAfterDamage} intact frames after them kept, the damaged file kept as ${recovery.evidencePath}. ${readBack}; what was lost comes back from its members.`,
      );
    } finally {
      this.#rebuilding = null;
      rebuilt();
    }
  }

  /**
   * After a repair, the newest snapshot whose frames the rebuilt log all kept (the damage is past its
   * checkpoint): the older one kept when the damage lies between the two. Read whole, since its file goes next;
   * null if there is none, or each is damaged, unreadable or past the damage.
   */
  async #snapshotKept(): Promise<PartedSnapshot | null> {
    const { snapshot } = await this.#snapshots.loadNewestParts(3, (checkpoint) => this.#log.resumable(checkpoint)).catch(() => ({ snapshot: null }));
    return snapshot;
  }

  /**
   * The doc, fold and tables made anew from the log as it is now (after a repair), then taken in place of these:
   * from `snapshot` on, as a cold open does, when given (one the log resumes after, held in memory whole).
   */
  async #readBack(snapshot: PartedSnapshot | null): Promise<ReplicaOpenReport> {
    const fresh = new DaoReplica(this.id, this.#log, this.#snapshots, this.#verify, new DaoLedger(this.id), this.#options);
    const report: ReplicaOpenReport = { fromSnapshot: false, foldFromSnapshot: false, replayed: 0, rejected: 0 };
    await fresh.#replay(snapshot === null ? 0 : fresh.#startFrom(snapshot, report), report);
    this.#ledger = fresh.#ledger;
    this.#doc = fresh.#doc;
    this.#docState = fresh.#docState;
    this.#devices = fresh.#devices;
    this.#delegationRecords = fresh.#delegationRecords;
    this.#everMembers = fresh.#everMembers;
    this.#waiting = fresh.#waiting;
    this.#unfolded = [];
    this.#recordsAtSnapshot = 0;
    this.#logRebuilt = false; // the state is the rebuilt log's now: a snapshot may pair them
    return report;
  }

  /** Calls `listener` after each envelope is durable (local writes and accepted remote ones). */
  onAppend(listener: (appended: AppendedEnvelope) => void): () => void {
    this.#appendListeners.add(listener);
    return () => this.#appendListeners.delete(listener);
  }

  /** After an append: `appended` is the `nth` envelope that `stored` made durable. */
  async #appended(appended: AppendedEnvelope, stored: AppendResult, nth: number): Promise<void> {
    this.#noteArrivals(appended.records);
    if (this.#index) {
      try {
        (await this.#index).add(appended.bytes, stored.offsets[nth]!, stored.logId);
      } catch {
        // The envelope is durable; an index that could not be built (reported there) reads it from the log when built again.
      }
    }
    for (const listener of this.#appendListeners) listener(appended);
  }

  /**
   * Appends to the log; a failure leaves the doc (and fold) holding what the log does not, so the replica stops,
   * and its fold leaves out `added`, the records these frames brought to the doc.
   */
  async #append(frames: readonly Uint8Array[], added: readonly string[]): Promise<AppendResult> {
    try {
      return await this.#log.append(frames);
    } catch (error) {
      this.#stop(
        `could not store a change (${error instanceof Error ? error.message : String(error)})`,
        'Free disk space or fix the disk, then restart the node: it opens the DAO again from what was stored.',
        added,
      );
      throw error;
    }
  }

  /**
   * Stops the replica when its doc holds what its log may not: it takes and serves nothing more until opened
   * again (which reads what was stored), and its fold leaves out `unstored`, the records not known to be stored.
   */
  #stop(why: string, hint: string, unstored: readonly string[]): void {
    this.#foldStoredOnly(unstored);
    if (this.#failed !== null) return;
    this.#failed = new DaomeshError('STORAGE_FAILED', `DAO ${this.id} ${why} and takes no more until it is opened again.`, hint);
    this.#cancelSnapshotTimer();
    this.#report(this.#failed.message);
  }

  /**
   * After a failed append: the fold, and the delegations and nodes it names, made again from the doc's records
   * but those whose envelopes were not stored (`unstored`, and those of appends that failed before). Undoing
   * records in a fold or a Y.Doc is not possible; folding again costs what a snapshot of the old format does on
   * open, once, on a disk that just failed, and is synchronous: nothing reads the fold between the failure and
   * the new one. (Appends that fail together are all rejected in one turn, each folding again.)
   */
  #foldStoredOnly(unstored: readonly string[]): void {
    for (const id of unstored) this.#unstored.add(id);
    const doc = this.#doc;
    if (doc === null) return; // the doc was never built, so nothing was taken before its append
    const stored = new Map<string, LedgerRecord>();
    for (const [id, bytes] of ledgerEntries(doc)) if (!this.#unstored.has(id)) stored.set(id, decodeRecord(bytes));
    this.#ledger = new DaoLedger(this.id);
    this.#ledger.add([...stored.values()], this.#now());
    this.#unfolded = [];
    this.#devices = new DeviceTable();
    this.#delegationRecords.clear();
    this.#track([...stored.values()]);
    this.#refreshMembers();
  }

  /**
   * Takes the waiting envelopes the gate now accepts (what they build on has arrived), until a pass takes
   * none; they are in the log already. Returns how many it took.
   */
  #retryWaiting(): number {
    let taken = 0;
    for (let progress = true; progress && this.#waiting.length > 0; ) {
      progress = false;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const bytes of waiting) {
        const result = this.#gate(bytes);
        if (result.ok) {
          taken++;
          progress = true;
        } else if (waitsForCatchUp(result.reason)) {
          this.#waiting.push(bytes);
        }
      }
    }
    return taken;
  }

  /** Whether a failed write stopped the replica: it takes nothing more, held records included, until opened again. */
  get stopped(): boolean {
    return this.#failed !== null;
  }

  /** Whether the doc is built: after a cold open from a snapshot it is built only once something needs it (for diagnosis and tests). */
  get docBuilt(): boolean {
    return this.#doc !== null;
  }

  /** Snapshots saved since open (for diagnosis and tests). */
  get snapshotsTaken(): number {
    return this.#snapshotsTaken;
  }

  async close(): Promise<void> {
    this.#closed = true; // writes and peers' envelopes that come after this are refused
    this.#cancelSnapshotTimer();
    // Those under way end first: a snapshot taken before their appends end would hold records the log may not
    // (their append can still fail, or a power cut come before its fsync).
    while (this.#unlogged > 0) await new Promise<void>((resolve) => this.#whenLogged.push(resolve));
    // An index being built reads the whole log, and damage it finds starts a rebuild: both end before the log closes.
    await this.#index?.catch(() => undefined);
    while (this.#rebuilding !== null) await this.#rebuilding; // it reads the log
    await this.#saving;
    await this.#savingArrivals;
    if (this.ledger.size !== this.#recordsAtSnapshot && this.#snapshotAllowed()) {
      await this.#saveSnapshot().catch((error: unknown) => this.#snapshotFailed(error));
    }
    await this.#log.close();
  }

  /**
   * The client to write as, one of the signing key's (yjs-client.ts): the one this host used before, while the
   * doc holds exactly what this host wrote as it. Anything else there (another host with the same key wrote on,
   * or the log lost a tail this host wrote) would make the next update conflict with what peers hold, so a
   * client of the key the doc has nothing of is taken instead.
   */
  #localWriter(doc: Y.Doc, key: Uint8Array): { client: number; clock: number } {
    const writer = this.#writer;
    if (writer !== null && isClientOf(key, writer.client) && Y.getState(doc.store, writer.client) === writer.clock && writer.client !== doc.clientID) return writer;
    // A client of the signing key (the gate takes no other) that the doc has nothing of.
    for (let n = 0; n < clientsPerKey; n++) {
      const client = yjsClientOf(key, n);
      if (client !== doc.clientID && Y.getState(doc.store, client) === 0) return { client, clock: 0 };
    }
    throw new DaomeshError('STORAGE_FAILED', `This node has written to DAO ${this.id} as every one of its signing key's ${clientsPerKey} Yjs clients.`, 'Write from another device of yours.');
  }

  /** `foldLater`: leave the records for #foldUnfolded, which the caller runs before anything reads the fold. */
  #gate(bytes: Uint8Array, foldLater = false): RemoteOutcome {
    const result = checkEnvelope(this.doc, bytes, {
      dao: this.id,
      isMember: (address) => this.isMember(address),
      verifyEd25519: this.#verify,
      sha256: nativeSha256,
      acceptedDelegation: (id) => this.#delegationRecord(id),
    });
    if (!result.ok) return result;
    const records = [...result.records];
    try {
      applyCheckedEnvelope(this.doc, result, 'remote');
      if (foldLater) {
        this.#track(records);
        for (const record of records) this.#unfolded.push(record);
      } else {
        this.#take(records);
      }
    } catch (error) {
      // Not a refusal but a bug (the gate accepted what Yjs or the fold could not take): the doc may hold part of
      // the envelope, which no log holds, so a snapshot must never pair them, nor a peer be served from the doc.
      this.#stop(
        `hit an internal error taking envelope ${result.envelope.id} (${error instanceof Error ? error.message : String(error)})`,
        internalErrorHint,
        records.map((record) => record.id),
      );
      throw error;
    }
    return { ok: true, records, bytes: result.envelope.bytes };
  }

  #foldUnfolded(): void {
    if (this.#unfolded.length === 0) return;
    const records = this.#unfolded;
    this.#unfolded = [];
    this.ledger.add(records, this.#now());
  }

  #take(records: readonly LedgerRecord[]): void {
    if (records.length === 0) return;
    this.#track(records);
    this.ledger.add(records, this.#now());
    // Nobody leaves the ever-members, so isMember can keep answering from the set it has, and refresh it
    // only for an address it does not find there (an admission in these records).
  }

  /**
   * Takes into the fold the held records (they claim a time too far ahead of this host's clock: DaoLedger) that
   * the clock has now come close enough to; returns how much came in (records, and envelopes that waited for them).
   */
  releaseHeld(): number {
    if (this.#failed !== null || this.ledger.heldBack() === null) return 0;
    const { applied } = this.ledger.add([], this.#now());
    if (applied.length === 0) return 0;
    this.#refreshMembers();
    // Envelopes read back from the log whose author only they admit (#waiting) pass the gate now.
    return applied.length + this.#retryWaiting();
  }

  /**
   * When this host first stored proposal `id` (from a peer or its own write); undefined for what it held before it
   * kept arrival times.
   */
  arrivalOf(id: string): number | undefined {
    return this.#arrivals.get(id);
  }

  /** Notes device delegations and revocations (which libp2p node is whose). */
  #track(records: readonly LedgerRecord[]): void {
    for (const record of records) {
      const { kind, body } = record.record;
      if ((kind !== 'device.delegate' && kind !== 'device.revoke') || !(body.device instanceof Uint8Array)) continue;
      const device = `${record.author}:${bytesToHex(body.device)}`;
      if (kind === 'device.delegate') {
        const proven = body.node instanceof Uint8Array && this.#nodeProven(record, body.device, body.node, body.nodeProof);
        this.#devices.addDelegation(device, record.id, proven ? base64urlnopad.encode(body.node as Uint8Array) : null);
      } else {
        // A revoked device signs nothing that counts any more, invites included (sync-store.ts checkInvite).
        this.#devices.addRevocation(device, record.id);
      }
    }
  }

  /** Notes when the proposals among `records`, just made durable, arrived (what an open reads back arrived before). */
  #noteArrivals(records: readonly LedgerRecord[]): void {
    let noted = false;
    for (const record of records) {
      if (record.record.kind !== 'proposal.create' || this.#arrivals.has(record.id)) continue;
      this.#arrivals.set(record.id, this.#now());
      noted = true;
    }
    if (!noted) return;
    // Kept beside the log so that a restart still knows; a write that fails loses only this hint. One write is
    // queued at a time and writes the map as it is then: a catch-up that brings hundreds of proposals costs a
    // few writes, not one each (which also held every queued copy of the map until its turn).
    if (this.#arrivalsQueued) return;
    this.#arrivalsQueued = true;
    this.#savingArrivals = this.#savingArrivals
      .then(() => {
        this.#arrivalsQueued = false;
        return writeFileAtomic(this.#arrivalsPath, JSON.stringify(Object.fromEntries(this.#arrivals)));
      })
      .catch((error: unknown) => this.#report(`proposal arrival times of DAO ${this.id} not saved: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Whether the node a delegation names signed that it runs the device (its libp2p key, inside its peer id). */
  #nodeProven(record: LedgerRecord, device: Uint8Array, node: Uint8Array, proof: unknown): boolean {
    const nodeKey = ed25519KeyOfPeerId(node);
    if (nodeKey === null || !(proof instanceof Uint8Array) || proof.length !== 64) return false;
    try {
      return this.#verify(proof, nodeClaimMessage(recordHashFromId(this.id), addressBytes(record.author), device), nodeKey);
    } catch {
      return false;
    }
  }

  /** A delegation record this document holds (so it passed the gate), by id. */
  #delegationRecord(id: string): LedgerRecord | undefined {
    let record = this.#delegationRecords.get(id);
    if (record === undefined) {
      const bytes = recordBytes(this.doc, id);
      if (bytes === undefined) return undefined;
      try {
        record = decodeRecord(bytes);
      } catch {
        return undefined;
      }
      this.#delegationRecords.set(id, record);
    }
    return record;
  }

  /** Takes in the doc's records that the fold does not hold (it was waiting for them when the snapshot was taken). */
  #addMissingFrom(doc: Y.Doc): void {
    // The doc holds the fold's records, the held ones and those the fold waits for (snapshot meta): when it holds
    // no more than those, none is missing, and 100,000 ids need not be parsed and looked up (~40 ms).
    if (ledgerSize(doc) === this.ledger.size + (this.ledger.heldBack()?.count ?? 0) + this.ledger.waitingIds().length) return;
    const missing: LedgerRecord[] = [];
    for (const [id, bytes] of ledgerEntries(doc)) if (!this.ledger.has(id)) missing.push(decodeRecord(bytes));
    this.ledger.add(missing, this.#now());
  }

  #refreshMembers(): void {
    this.#everMembers = new Set(this.ledger.everMembers());
  }

  async #maybeSnapshot(): Promise<void> {
    if (!this.#snapshotDue()) return;
    const wait = this.#lastSnapshot.end + this.#snapshotPause * this.#lastSnapshot.took - performance.now();
    // A snapshot is a shortcut for the next open, and the change that asked for it is stored already: its
    // failure is reported, never thrown at the writer (who would take the stored change for lost and retry it).
    if (wait <= 0) await this.#saveSnapshot().catch((error: unknown) => this.#snapshotFailed(error));
    else this.#snapshotTimer ??= setTimeout(() => this.#snapshotLater(), Math.min(Math.ceil(wait), maxSnapshotWaitMs)).unref();
  }

  #snapshotDue(): boolean {
    // A snapshot pairs the state with the log's durable end: state ahead of the log would hold records whose
    // envelopes a crash could lose from the log, which then could not be served to peers.
    if (this.#unlogged > 0 || this.#closed || this.#saving !== null || !this.#snapshotAllowed()) return false;
    const due = Math.max(snapshotEvery, Math.floor(this.#recordsAtSnapshot / snapshotShare));
    return this.ledger.size - this.#recordsAtSnapshot >= due;
  }

  #cancelSnapshotTimer(): void {
    if (this.#snapshotTimer !== null) clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = null;
  }

  /** False while the doc and fold may hold what the log does not, or the log holds envelopes they do not yet. */
  #snapshotAllowed(): boolean {
    return this.#failed === null && !this.#logRebuilt && this.#waiting.length === 0;
  }

  /** The snapshot a pause put off, now that the pause is over; a write under way then takes it at its end. */
  #snapshotLater(): void {
    this.#snapshotTimer = null;
    if (this.#snapshotDue()) this.#saveSnapshot().catch((error: unknown) => this.#snapshotFailed(error));
  }

  #snapshotFailed(error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    this.#report(`snapshot of DAO ${this.id} failed (${why}); every change is in its log, and the next open reads the log on from the last snapshot.`);
  }

  async #saveSnapshot(): Promise<void> {
    this.#cancelSnapshotTimer();
    const start = performance.now();
    const checkpoint = this.#log.checkpoint();
    // A few held records ride along; a member's flood of them would be copied into every snapshot (the doc part
    // holds them already), so past that the open finds them in the doc, as it finds those waiting for deps.
    const heldRecords = this.ledger.heldRecords();
    const kept = heldRecords.length <= heldInSnapshot;
    const held = kept ? heldRecords.map((record) => record.bytes) : [];
    const meta = { v: snapshotVersion, pending: this.ledger.waitingIds().length + (kept ? 0 : heldRecords.length), devices: this.#devices.facts(), held };
    const payload = [dagCbor.encode(meta), this.ledger.exportFold(), Y.encodeStateAsUpdate(this.doc)];
    // Claimed before the write, so that callers finishing meanwhile do not each start another snapshot.
    this.#recordsAtSnapshot = this.ledger.size;
    const saving = this.#snapshots.save({ ...checkpoint, payload }).finally(() => {
      const end = performance.now();
      this.#lastSnapshot = { end, took: end - start };
      this.#saving = null;
      // Records that came during the write asked for no snapshot: ask for them now.
      void this.#maybeSnapshot();
    });
    this.#saving = saving.catch(() => undefined);
    await saving;
    this.#snapshotsTaken++;
  }
}


/** Says what the log's open repaired, if anything: a cut torn tail, or damage it rebuilt the log around. */
function reportRecovery(dao: string, recovery: LogRecovery, report: (line: string) => void): void {
  if (recovery.outcome === 'torn-tail' && recovery.droppedBytes > 0) {
    report(`envelope log of DAO ${dao}: a write cut short (${recovery.droppedBytes} bytes at its end) was dropped at open; nothing it held had been reported written.`);
  } else if (recovery.outcome === 'corrupt') {
    report(
      `envelope log of DAO ${dao} was damaged at byte ${recovery.damagedAt}: rebuilt at open without ${recovery.droppedBytes} damaged bytes, ` +
        `${recovery.keptAfterDamage} intact frames after them kept, the damaged file kept as ${recovery.evidencePath}; what was lost comes back from its members.`,
    );
  }
}

/** The first part of a snapshot of this version, or null. */
function decodeMeta(bytes: Uint8Array): SnapshotMeta | null {
  let meta: unknown;
  try {
    meta = dagCbor.decode(bytes);
  } catch {
    return null;
  }
  const { v, pending, devices, held } = (meta ?? {}) as { v?: unknown; pending?: unknown; devices?: { delegations?: unknown; revocations?: unknown }; held?: unknown };
  if ((v !== snapshotVersion && v !== 4) || typeof pending !== 'number' || typeof devices !== 'object' || devices === null) return null;
  let heldRecords: LedgerRecord[] = [];
  if (v === snapshotVersion) {
    if (!Array.isArray(held)) return null;
    try {
      heldRecords = held.map((bytes: unknown) => decodeRecord(bytes as Uint8Array));
    } catch {
      return null;
    }
  }
  const { delegations, revocations } = devices;
  const isText = (part: unknown) => typeof part === 'string';
  const delegationsValid = Array.isArray(delegations) && delegations.every((entry) => Array.isArray(entry) && entry.length === 3 && isText(entry[0]) && isText(entry[1]) && (entry[2] === null || isText(entry[2])));
  const revocationsValid = Array.isArray(revocations) && revocations.every((entry) => Array.isArray(entry) && entry.length === 2 && entry.every(isText));
  if (!delegationsValid || !revocationsValid) return null;
  return { v, pending, devices: { delegations, revocations } as DeviceFacts, held: heldRecords };
}

/** The fold from a snapshot, or null when it cannot be taken back (the caller folds the records again). */
function importedFold(id: string, bytes: Uint8Array): DaoLedger | null {
  try {
    return DaoLedger.importFold(id, bytes);
  } catch {
    return null;
  }
}

export function notFound(id: string): DaomeshError {
  return new DaomeshError('DAO_NOT_FOUND', `This node holds no DAO ${id}.`, 'Check the id with `daomesh dao list`.');
}

/** The arrival times kept in `path`; what is not a proposal id with a time there is left out (the file is only a hint). */
async function readArrivals(path: string): Promise<Map<string, number>> {
  const arrivals = new Map<string, number>();
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return arrivals;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return arrivals;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return arrivals;
  for (const [id, time] of Object.entries(parsed)) if (RecordId.safeParse(id).success && Number.isSafeInteger(time) && (time as number) > 0) arrivals.set(id, time as number);
  return arrivals;
}

/**
 * Applies a snapshot's doc state to a new doc; false when Yjs cannot take all of it: a part that checks out but
 * was written wrong (by a bug, or by hand) must not stop the DAO from opening, nor leave part of it applied.
 */
function tookSnapshotState(doc: Y.Doc, state: Uint8Array): boolean {
  try {
    applyWholeState(doc, state, 'snapshot');
  } catch {
    return false;
  }
  return doc.store.pendingStructs === null && doc.store.pendingDs === null;
}

async function readWriter(path: string): Promise<{ client: number; clock: number } | null> {
  try {
    const { client, clock } = (dagCbor.decode(await readFile(path)) ?? {}) as { client?: unknown; clock?: unknown };
    if (Number.isSafeInteger(client) && Number.isSafeInteger(clock) && (client as number) >= 0 && (clock as number) >= 0) return { client: client as number, clock: clock as number };
  } catch {
    // Absent or damaged: the next write chooses a new client.
  }
  return null;
}

async function writeWriter(path: string, writer: { client: number; clock: number }): Promise<void> {
  try {
    await writeFile(`${path}.tmp`, dagCbor.encode(writer), { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  } catch {
    // The write itself is durable in the log; without the file the next session writes as a new client.
  }
}
