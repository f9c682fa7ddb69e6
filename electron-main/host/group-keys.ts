// The DAO group keys this host holds for sealing gossip (p2p/gossip-cipher.ts), by membership epoch, and the
// `group.key` records that carry them (issue 4).
//
// An epoch is the set of current members (its id: core/governance/group-epoch.ts), so it changes whenever
// someone joins or leaves; a key record counts only for the epoch its author was in. Keys travel in the ledger,
// each sealed to every current member's key (core/sync/key-box.ts): a member's node that finds no key record for
// the current epoch writes one (a random key, a box for every member whose public key it knows); a member's node
// that holds the epoch's key and sees a current member without a box for it writes a record adding one. A removed member gets no box for what
// follows, and an invitee (not a member) none at all: both read the DAO only through catch-up sessions.
//
// The members' nodes that reach each other take turns at writing what is due (dueTurn, DaoService.turnWait): the
// first in the order writes at once, the others find it written when their turn comes. When two nodes still make
// a key for the same epoch at once (apart, or disagreeing on who is online), everyone ends up sealing with the
// same one: the smallest key (by its SHA-256, which records commit to) among the epoch's counting records wins,
// and every key held stays usable for opening. Records of the first versions named only 8 bytes of the hash, under
// which one record could hold two keys: their keys still open gossip, but nobody seals with them (#epochRecords). A host opens the boxes addressed to its member with the member key while the identity is unlocked,
// and keeps what it opened in the data directory, so a locked or restarted node still reads and seals gossip.
//
// A node seals with the smallest key of the epoch it holds, and adds boxes of that one, so a key nobody else can
// open (boxed only to its author, or with boxes that do not open) wins nothing. A member's node that holds none of
// the epoch's keys writes a new one: at once when a box for its member did not open, and after a grace period
// when it has no box at all (the usual case is a holder that did not know its public key yet and adds a box).
// That new key also says the member's box of the winning key did not open: its holders then count no box for that
// member that the new key's record had seen, and each adds one of its own (see #due), so a box sealed to the wrong
// key, added for a member who had none, keeps nobody off gossip while one holder is honest.
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { recordBytes } from '../../core/dao/dao-doc.ts';
import { groupEpoch } from '../../core/governance/group-epoch.ts';
import type { GroupKeyInput } from '../../core/governance/record-builders.ts';
import { deviceBodySchema, groupKeyBodySchema, maxKeyBoxes, type GroupKeyBody } from '../../core/governance/record-kinds.ts';
import type { MemberKey } from '../../core/identity/member-key.ts';
import { addressBytes, decodeRecord, recordHashFromId, type LedgerRecord } from '../../core/ledger/record.ts';
import { groupKeyCommitment, groupKeyCommitmentBytes, groupKeyId, newGroupKey, openKeyBox, sealKeyBox, type KeyBox } from '../../core/sync/key-box.ts';
import { memberPublicKey } from '../../core/sync/member-public-key.ts';
import type { GroupKey } from '../../p2p/gossip-cipher.ts';
import { CountingRecords } from './counting-records.ts';
import type { DaoReplica } from './dao-replica.ts';
import { writeFileAtomic } from './data-dir.ts';

const keysFile = 'group-keys.json';
/** Epochs kept per DAO (older ones only open old gossip, which catch-up also carries). */
const keptEpochs = 32;
const candidatesPerEpoch = 16;
/**
 * Keys of one epoch taken from one member's records: an honest node writes one (two when its first did not open
 * for someone). Without a bound, one member could fill a node's candidates with keys boxed only to it before
 * the key the others use arrived, and leave it unable to read them for the epoch.
 */
const keysPerAuthorPerEpoch = 2;
/**
 * Boxes for this host's member tried from one member's records of one epoch (opened or not). An honest member's
 * first box opens; each try is an ECDH, so without a bound one member's records, 100 boxes each all addressed to
 * one node, held that node's event loop for about half a second a record (16 KiB).
 */
const boxTriesPerAuthorPerEpoch = 4;
/** How long a member's node with no box for any of the epoch's keys leaves the holders to add one before it makes a key. */
const defaultUnboxedGraceMs = 2 * 60_000;

/** group-keys.json is read entry by entry: a damaged entry, or one a later version wrote, costs only itself. */
const StoredEpoch = z.object({ epoch: z.string().regex(/^[0-9a-f]{32}$/), keys: z.array(z.unknown()) });
const StoredKey = z.string().regex(/^[0-9a-f]{64}$/);

/** `hex`: the id gossip names it by (8 bytes); `commitment`: what records name it by (its whole SHA-256), in hex. */
type HeldKey = GroupKey & { readonly hex: string; readonly commitment: string };
type Epoch = { epoch: string; keys: HeldKey[] };

function held(key: Uint8Array): HeldKey {
  const id = groupKeyId(key);
  return { id, key, hex: bytesToHex(id), commitment: bytesToHex(groupKeyCommitment(key)) };
}

/** What the turns at writing a `group.key` record are about: a new key for the epoch (recipients null), or boxes. */
export function groupKeySubject(dao: string, epoch: string, recipients: readonly string[] | null): string {
  return `group.key|${dao}|${epoch}|${recipients === null ? 'new key' : `boxes for ${recipients.join(',')}`}`;
}

export class GroupKeys {
  readonly #path: string;
  readonly #unboxedGraceMs: number;
  /** Where a save that failed is told (the host's log). */
  readonly #log: (line: string) => void;
  /** The unlocked member key, or null while locked or before an identity exists. */
  readonly #memberKey: () => MemberKey | null;
  /** dao → epochs, the one current most recently last. */
  readonly #daos = new Map<string, Epoch[]>();
  readonly #keyRecords = new CountingRecords<GroupKeyBody>('group.key', groupKeyBodySchema);
  readonly #delegations = new CountingRecords('device.delegate', deviceBodySchema);
  /** `${dao} ${epoch}` → when this host first found no box for its member among the epoch's keys (performance.now()). */
  readonly #unboxedSince = new Map<string, number>();
  /** `${address}:${record id}` of boxes this host tried to open already (opened, or not openable). */
  readonly #tried = new Set<string>();
  /** `${address} ${dao} ${epochAuthor}` → boxes tried from that member's records of that epoch (boxTriesPerAuthorPerEpoch). */
  readonly #boxTries = new Map<string, number>();
  /** dao → member address → compressed public key. */
  readonly #publicKeys = new Map<string, Map<string, Uint8Array>>();
  #saving: Promise<void> = Promise.resolve();

  private constructor(path: string, memberKey: () => MemberKey | null, unboxedGraceMs: number, log: (line: string) => void) {
    this.#path = path;
    this.#memberKey = memberKey;
    this.#unboxedGraceMs = unboxedGraceMs;
    this.#log = log;
  }

  static async open(dataDir: string, memberKey: () => MemberKey | null, options: { unboxedGraceMs?: number; log?: (line: string) => void } = {}): Promise<GroupKeys> {
    const keys = new GroupKeys(join(dataDir, keysFile), memberKey, options.unboxedGraceMs ?? defaultUnboxedGraceMs, options.log ?? (() => {}));
    const text = await readFile(keys.#path, 'utf8').catch(() => null);
    if (text !== null && !keys.#load(text)) {
      // What could not be read is copied aside before the next save replaces it; the boxes in the ledger open
      // the keys again once the identity is unlocked.
      await copyFile(keys.#path, `${keys.#path}.damaged`).catch(() => {});
    }
    return keys;
  }

  /** Takes what group-keys.json holds; false when some or all of it could not be read. */
  #load(text: string): boolean {
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch {
      return false;
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return false;
    let whole = true;
    for (const [dao, entries] of Object.entries(stored)) {
      if (!Array.isArray(entries)) {
        whole = false;
        continue;
      }
      const epochs: Epoch[] = [];
      for (const entry of entries.slice(-keptEpochs)) {
        const parsed = StoredEpoch.safeParse(entry);
        const keys = parsed.success ? parsed.data.keys.flatMap((key) => StoredKey.safeParse(key).data ?? []) : [];
        if (!parsed.success || keys.length !== parsed.data.keys.length || keys.length > candidatesPerEpoch) whole = false;
        if (!parsed.success || epochs.some((known) => known.epoch === parsed.data.epoch)) continue;
        const unique = [...new Map(keys.map((key) => held(hexToBytes(key))).map((key) => [key.hex, key])).values()];
        if (unique.length > 0) epochs.push({ epoch: parsed.data.epoch, keys: unique.slice(0, candidatesPerEpoch) });
      }
      if (epochs.length > 0) this.#daos.set(dao, epochs);
    }
    return whole;
  }

  /** The current membership epoch of a DAO, or null before its genesis arrived. */
  static epochOf(replica: DaoReplica): string | null {
    let members: string[];
    try {
      members = [...replica.ledger.governanceState().members.keys()];
    } catch {
      return null;
    }
    return bytesToHex(groupEpoch(replica.id, members));
  }

  /** The key to seal with now: the smallest of the current epoch's keys that this host holds; null when it holds none. */
  current(replica: DaoReplica): GroupKey | null {
    const epoch = GroupKeys.epochOf(replica);
    if (epoch === null) return null;
    this.#touch(replica.id, epoch);
    this.#openBoxes(replica);
    for (const keyId of this.#keyIdsOf(replica, epoch)) {
      const key = this.#held(replica.id, keyId);
      if (key) return key;
    }
    return null;
  }

  /** The key to seal with for the epoch of exactly these members (the winning key, as `current`), if this host holds it. */
  ofMembers(replica: DaoReplica, members: readonly string[]): GroupKey | null {
    const epoch = bytesToHex(groupEpoch(replica.id, members));
    for (const keyId of this.#keyIdsOf(replica, epoch)) {
      const key = this.#held(replica.id, keyId);
      if (key) return key;
    }
    return null;
  }

  /** A key this host holds for the DAO, by the id a message names (opening newly arrived boxes first if need be). */
  byId(replica: DaoReplica, id: Uint8Array): GroupKey | undefined {
    const wanted = bytesToHex(id);
    const held = this.#held(replica.id, wanted);
    if (held) return held;
    this.#openBoxes(replica);
    return this.#held(replica.id, wanted);
  }

  /**
   * What upkeep would write now, and who could write it: the subject of the turns of those members' nodes at
   * writing it (DaoService.turnWait), named alike by every node that sees the same ledger, so that one node writes
   * a new epoch's key, not each of them. Any current member can make a new key (no writers named); boxes, only
   * the members the winning key was sealed to. `graceMs`: how long before it is due (a node with no box for any
   * key of the epoch leaves the holders time to add one; upkeep writes nothing meanwhile). Null when nothing is due.
   */
  dueTurn(replica: DaoReplica): { subject: string; writers?: readonly string[]; graceMs: number } | null {
    const due = this.#due(replica);
    if (due === null) return null;
    if (due.winner === null) return { subject: groupKeySubject(replica.id, due.epoch, null), graceMs: due.graceMs };
    return { subject: groupKeySubject(replica.id, due.epoch, due.recipients), writers: due.writers, graceMs: 0 };
  }

  /**
   * What this member's node should write now, as `group.key` records: a new key for a current epoch that has
   * none, or boxes of the epoch's winning key for current members who have none. Empty when nothing is due,
   * while locked, and when this host's member is not a current member. A new key is held here at once.
   */
  upkeep(replica: DaoReplica): GroupKeyInput[] {
    const due = this.#due(replica);
    if (due === null || due.graceMs > 0) return [];
    let key: Uint8Array;
    if (due.winner === null) {
      key = newGroupKey();
      this.#add(replica.id, due.epoch, key, due.epoch);
    } else {
      key = due.winner.key;
    }
    const context = { dao: recordHashFromId(replica.id), epoch: hexToBytes(due.epoch) };
    const keyId = groupKeyCommitment(key);
    const boxes: KeyBox[] = due.recipients.map((address) => sealKeyBox({ ...context, keyId }, key, due.publicKeys.get(address)!, addressBytes(address)));
    const records: GroupKeyInput[] = [];
    for (let at = 0; at < boxes.length; at += maxKeyBoxes) records.push({ epoch: context.epoch, keyId, boxes: boxes.slice(at, at + maxKeyBoxes) });
    return records;
  }

  /**
   * What is due, decided without making or holding a key: the epoch, this host's winning key (the smallest it
   * holds; null: it needs one), the members to seal it to (whose public keys this host knows), the members whose
   * nodes take turns at writing that (those it was sealed to; only this one's own for a wary recipient), and how
   * long to leave others first (graceMs).
   */
  #due(replica: DaoReplica): { epoch: string; winner: GroupKey | null; recipients: string[]; writers: string[]; publicKeys: Map<string, Uint8Array>; graceMs: number } | null {
    const member = this.#memberKey();
    const epoch = GroupKeys.epochOf(replica);
    if (member === null || epoch === null || !replica.isCurrentMember(member.address)) return null;
    this.#touch(replica.id, epoch);
    this.#openBoxes(replica);
    const members = [...replica.ledger.governanceState().members.keys()];
    const publicKeys = this.#publicKeysOf(replica, member);
    const records = this.#epochRecords(replica, epoch);
    const winnerId = this.#keyIdsOf(replica, epoch).find((keyId) => this.#held(replica.id, keyId) !== undefined);
    if (winnerId === undefined) {
      // None of the epoch's keys reached this node. #openBoxes tried every box for its member: one that is
      // there did not open, so a new key is due at once; with no box at all, a holder may still add one.
      const me = bytesToHex(addressBytes(member.address));
      const boxedToMe = records.some(({ body }) => body.boxes.some((box) => bytesToHex(box.member) === me));
      let graceMs = 0;
      if (records.length > 0 && !boxedToMe) {
        const unboxed = `${replica.id} ${epoch}`;
        const since = this.#unboxedSince.get(unboxed) ?? performance.now();
        this.#unboxedSince.set(unboxed, since);
        graceMs = Math.max(0, Math.ceil(since + this.#unboxedGraceMs - performance.now()));
      }
      return { epoch, winner: null, recipients: members.filter((address) => publicKeys.has(address)), writers: [], publicKeys, graceMs };
    }
    this.#unboxedSince.delete(`${replica.id} ${epoch}`);
    const winner = this.#held(replica.id, winnerId)!;
    // A member whose node made another key for the epoch after a box of the winner for it had arrived there could
    // not open that box (someone sealed it to the wrong key, perhaps to keep the member off gossip). Such a box
    // counts for nothing, and from then on each holder counts only its own boxes for that member: every holder
    // adds one, at once, so a holder that writes bad boxes first cannot stand in for the rest.
    const me = bytesToHex(addressBytes(member.address));
    const winnerRecords = records.filter(({ body }) => bytesToHex(body.key) === winnerId);
    const otherKeys = records.filter(({ body }) => bytesToHex(body.key) !== winnerId);
    const refused = (address: string, boxRecord: string) =>
      otherKeys.some(({ record }) => bytesToHex(record.record.author) === address && replica.ledger.saw(record.id, boxRecord));
    const boxes = winnerRecords.flatMap(({ record, body }) =>
      body.boxes.map((box) => {
        const address = bytesToHex(box.member);
        return { address, mine: bytesToHex(record.record.author) === me, refused: refused(address, record.id) };
      }),
    );
    const wary = new Set(boxes.filter((box) => box.refused).map((box) => box.address));
    // For this node's own member any box not refused counts: it holds the winner, so such a box did open.
    const boxed = new Set(boxes.filter((box) => !box.refused && (box.mine || box.address === me || !wary.has(box.address))).map((box) => box.address));
    const hasBox = (address: string) => boxed.has(bytesToHex(addressBytes(address)));
    const recipients = members.filter((address) => publicKeys.has(address) && !hasBox(address));
    if (recipients.length === 0) return null;
    // Boxes for a wary member are every holder's to write, not one holder's turn.
    const writers = recipients.some((address) => wary.has(bytesToHex(addressBytes(address)))) ? [member.address] : members.filter(hasBox);
    return { epoch, winner, recipients, writers, publicKeys, graceMs: 0 };
  }

  /** Resolves once everything held so far is on disk. */
  flushed(): Promise<void> {
    return this.#saving;
  }

  /** The keys (commitments, in hex) of the epoch's counting records, smallest first. */
  #keyIdsOf(replica: DaoReplica, epoch: string): string[] {
    return [...new Set(this.#epochRecords(replica, epoch).map(({ body }) => bytesToHex(body.key)))].sort();
  }

  /**
   * The epoch's counting records that commit to their key. Those of the first versions name 8 bytes of it, under
   * which one record could hold two keys (one for some members, one for the rest): their keys still open gossip
   * sealed with them, but no node seals with them, boxes them or waits for them; a node that holds only such a key
   * makes a new one.
   */
  #epochRecords(replica: DaoReplica, epoch: string) {
    return this.#keyRecords.of(replica).filter(({ body }) => body.key.length === groupKeyCommitmentBytes && bytesToHex(body.epoch) === epoch);
  }

  /** Opens, with the member key, the boxes addressed to this host's member that it has not tried yet. */
  #openBoxes(replica: DaoReplica): void {
    const records = this.#keyRecords.of(replica);
    if (records.length === 0) return;
    const member = this.#memberKey();
    if (member === null) return;
    const me = addressBytes(member.address);
    const dao = recordHashFromId(replica.id);
    // Held keys by epoch and record author: counted only when a record is new (this runs for every seal).
    let heldFrom: Map<string, number> | null = null;
    let current: string | null | undefined;
    for (const { record, body } of records) {
      const tried = `${member.address}:${record.id}`;
      if (this.#tried.has(tried)) continue;
      this.#tried.add(tried);
      const keyId = bytesToHex(body.key);
      if (this.#held(replica.id, keyId)) continue;
      heldFrom ??= this.#keysHeldByAuthor(replica.id, records);
      const author = epochAuthor(record, body.epoch);
      if ((heldFrom.get(author) ?? 0) >= keysPerAuthorPerEpoch) continue;
      const triesOf = `${member.address} ${replica.id} ${author}`;
      for (const box of body.boxes) {
        if (bytesToHex(box.member) !== bytesToHex(me)) continue;
        const tries = this.#boxTries.get(triesOf) ?? 0;
        if (tries >= boxTriesPerAuthorPerEpoch) break;
        this.#boxTries.set(triesOf, tries + 1);
        const key = openKeyBox({ dao, epoch: body.epoch, keyId: body.key }, box, member.privateKey);
        if (key) {
          current ??= GroupKeys.epochOf(replica);
          this.#add(replica.id, bytesToHex(body.epoch), key, current);
          heldFrom.set(author, (heldFrom.get(author) ?? 0) + 1);
          break;
        }
      }
    }
  }

  /** Members' public keys, recovered from the records they signed with the member key (genesis, delegations). */
  #publicKeysOf(replica: DaoReplica, member: MemberKey): Map<string, Uint8Array> {
    let known = this.#publicKeys.get(replica.id);
    if (!known) {
      known = new Map();
      this.#publicKeys.set(replica.id, known);
      const genesis = recordBytes(replica.doc, replica.id);
      if (genesis !== undefined) {
        try {
          const record = decodeRecord(genesis);
          const publicKey = memberPublicKey(record);
          if (publicKey) known.set(record.author, publicKey);
        } catch {
          // A genesis the fold took decodes; if not, the founder's delegation gives the key.
        }
      }
    }
    if (!known.has(member.address)) known.set(member.address, member.publicKey);
    for (const { record } of this.#delegations.of(replica)) {
      if (known.has(record.author)) continue;
      const publicKey = memberPublicKey(record);
      if (publicKey) known.set(record.author, publicKey);
    }
    return known;
  }

  /** How many of the keys held came from each member's records, by epoch (epochAuthor). */
  #keysHeldByAuthor(dao: string, records: readonly { record: LedgerRecord; body: GroupKeyBody }[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const { record, body } of records) {
      if (!this.#held(dao, bytesToHex(body.key))) continue;
      const author = epochAuthor(record, body.epoch);
      counts.set(author, (counts.get(author) ?? 0) + 1);
    }
    return counts;
  }

  /**
   * A held key by what a record names it by (its commitment, or 8 bytes of it in the first versions' records) or
   * by what gossip names it by (8 bytes): of two held keys that share those, the one with the smaller commitment,
   * the one nodes seal with.
   */
  #held(dao: string, keyId: string): GroupKey | undefined {
    const byCommitment = keyId.length === 2 * groupKeyCommitmentBytes;
    let found: HeldKey | undefined;
    for (const epoch of this.#daos.get(dao) ?? []) {
      for (const key of epoch.keys) {
        if ((byCommitment ? key.commitment : key.hex) === keyId && (found === undefined || key.commitment < found.commitment)) found = key;
      }
    }
    return found && { id: found.id, key: found.key };
  }

  /**
   * Moves the DAO's current epoch last, so that keptEpochs drops the epochs current longest ago. A member set
   * comes back (a seat that rotates brings back the set without it): kept in the order first added, its key was
   * dropped while in use, and every node made the epoch a new one.
   */
  #touch(dao: string, epoch: string): void {
    const epochs = this.#daos.get(dao);
    const at = epochs?.findIndex((candidate) => candidate.epoch === epoch) ?? -1;
    if (epochs && at >= 0 && at < epochs.length - 1) epochs.push(...epochs.splice(at, 1));
  }

  /** Holds `key` for `epoch`; `current`, the DAO's current epoch, is never the one dropped to make room. */
  #add(dao: string, epoch: string, key: Uint8Array, current: string | null): void {
    const epochs = this.#daos.get(dao) ?? [];
    let entry = epochs.find((candidate) => candidate.epoch === epoch);
    if (!entry) {
      entry = { epoch, keys: [] };
      epochs.push(entry);
      // An old epoch's key opened late (after a restart, or a record written on an old branch) goes in last.
      if (epochs.length > keptEpochs) epochs.splice(epochs.findIndex((candidate) => candidate.epoch !== current), 1);
    }
    const candidate = held(key);
    if (entry.keys.some((known) => known.commitment === candidate.commitment) || entry.keys.length >= candidatesPerEpoch) return;
    entry.keys.push(candidate);
    this.#daos.set(dao, epochs);
    this.#save();
  }

  #save(): void {
    const snapshot = Object.fromEntries([...this.#daos].map(([dao, epochs]) => [dao, epochs.map((entry) => ({ epoch: entry.epoch, keys: entry.keys.map((known) => bytesToHex(known.key)) }))]));
    // Not fatal: the keys are in memory, and the ledger's boxes open them again after a restart; but say so.
    this.#saving = this.#saving
      .then(() => writeFileAtomic(this.#path, JSON.stringify(snapshot)))
      .catch((error: unknown) => this.#log(`group keys not saved to ${this.#path}: ${error instanceof Error ? error.message : String(error)}`));
  }
}

function epochAuthor(record: LedgerRecord, epoch: Uint8Array): string {
  return `${bytesToHex(epoch)}:${record.author}`;
}
