// What the fold knows about the records it has taken in: one node per record (its parents, height, effective
// time and verdict), the causal index, and per-proposal lists of votes, signatures, withdrawals and
// finalizations. The queries here all take a view: the causal past of one record (what its author had seen),
// or `everything` (what this peer holds). See README.md for why validity is judged in the record's own view.
import { bytesToHex } from '@noble/hashes/utils.js';
import { compareBytes, recordHashFromId, recordIdAt, type RecordBody, type SignedRecord } from '../ledger/record.ts';
import { CausalIndex } from './causal-index.ts';
import type { AnyProposalKind } from './proposal-kinds.ts';
import { reasons } from './reasons.ts';
import type { GenesisBody } from './record-kinds.ts';
import type { VotingMode } from './rules.ts';
import type { Choice, Electorate } from './tally.ts';

/** What unsettledReaching gives when no proposal reaches the threshold (most records): nothing allocated. */
const noProposals: readonly ProposalInfo[] = Object.freeze([]);

export type Finalization = {
  /** The record whose causal past first held enough matching signatures (a minimal such record). */
  readonly at: number;
  readonly certificate: string;
  readonly outcome: 'passed' | 'rejected';
  readonly time: number;
};

export type ProposalInfo = {
  readonly index: number;
  readonly id: string;
  readonly author: string;
  readonly kind: string;
  readonly spec: AnyProposalKind;
  readonly params: unknown;
  readonly rawParams: RecordBody;
  readonly title: string;
  readonly mode: VotingMode;
  readonly electorate: Electorate;
  readonly createdAt: number;
  /** Votes claiming a later time are not counted; tally certificates may be signed from then on. */
  readonly deadline: number;
  readonly graceMs: number;
  /** Quadratic voting's credit epoch (floor of creation time / epoch length), else -1. */
  readonly epoch: number;
  readonly removes: string | null;
  readonly votes: number[];
  /** The same votes by voter, each voter's in canonical order (their latest is looked for often: certificates, evidence). */
  readonly votesByVoter: Map<string, number[]>;
  readonly signatures: number[];
  /** Distinct signers per certificate over every signature held, and the largest such count. */
  readonly signersByCertificate: Map<string, Set<string>>;
  ceiling: number;
  readonly withdrawals: number[];
  readonly finalizations: Finalization[];
};

export type VoteInfo = { readonly proposal: ProposalInfo; readonly voter: string; readonly choice: Choice; readonly votes: number };

export type SignatureInfo = {
  readonly proposal: ProposalInfo;
  readonly signer: string;
  /** Identifies the certificate's content: outcome and the sorted vote ids. */
  readonly certificate: string;
  readonly votes: readonly number[];
  readonly outcome: 'passed' | 'rejected';
};

export type NodeData =
  | { readonly kind: 'dao.genesis'; readonly genesis: GenesisBody }
  | { readonly kind: 'device.delegate' | 'device.revoke'; readonly device: string }
  | { readonly kind: 'proposal.create'; readonly proposal: ProposalInfo }
  | { readonly kind: 'proposal.withdraw'; readonly proposal: ProposalInfo }
  | { readonly kind: 'vote'; readonly vote: VoteInfo }
  | { readonly kind: 'tally.sign'; readonly signature: SignatureInfo }
  | { readonly kind: 'member.ragequit' }
  | { readonly kind: 'group.key' | 'invite.revoke' };

export type Verdict = { readonly ok: true; readonly data: NodeData } | { readonly ok: false; readonly reason: string };

/**
 * What the fold keeps of a record once it is in: its identity, who signed it, and what the fold made of it.
 * Not the record itself: after its verdict nothing needs the body, and a fold imported from a snapshot
 * (fold-snapshot.ts) has no decoded records at all.
 */
export type LedgerNode = {
  readonly index: number;
  readonly id: string;
  /** EIP-55 address of the author. */
  readonly author: string;
  readonly kind: string;
  /** Hex of the device key that signed it, or null when the member key did. */
  readonly device: string | null;
  /** 1 + the highest parent's height: the canonical order is (height, hash), a topological order. */
  readonly height: number;
  /** The claimed time, raised to the newest parent's: a record cannot claim to precede what it had seen. */
  readonly time: number;
  /** Every record held when this one came in is in its causal past (it was written on top of all of them). */
  readonly sawEverything: boolean;
  /** Index of the device delegation of a device-signed record, else -1. */
  readonly delegation: number;
  verdict: Verdict;
};

/** A view: the causal past of record `at` (inclusive), or everything held when `at` is -1; `time` is its clock. */
export type View = { readonly at: number; readonly time: number };

export function certificateKey(outcome: string, voteIds: readonly string[]): string {
  return `${outcome}:${voteIds.join(',')}`;
}

/**
 * Where the nodes of records taken back from a fold snapshot without one come from (fold-snapshot.ts): only
 * valid votes are taken back so, and most of a large DAO's records are votes its members later changed, which
 * nothing asks for again but the state's evidence list (their id, kind and author).
 */
export type NodeSource = {
  /** The node of vote `index`, made from the snapshot's columns. */
  make(index: number): LedgerNode;
  author(index: number): string;
  time(index: number): number;
  /** The proposal vote `index` is on. */
  proposal(index: number): ProposalInfo;
};

export class LedgerIndex {
  /** Each record's node; undefined for a vote taken back from a snapshot whose node nobody asked for yet (see NodeSource). */
  private readonly nodes: Array<LedgerNode | undefined> = [];
  private source: NodeSource | null = null;
  /** The records' hashes back to back (record i's at 32·i): one array, not an object per record. */
  private hashes = new Uint8Array(32 * 1024);
  /**
   * The records' heights (record i's at i), beside the nodes' own: the canonical order's binary search reads
   * them from one small array instead of chasing a node object per probe, which missed the cache in situ.
   */
  private heights = new Int32Array(1024);
  /**
   * Open-addressing table from a hash to its record (index + 1; 0 is empty), probed from the hash's first four
   * bytes: finds deps and delegations from their bytes without making their ids. At most half full.
   */
  private slots = new Int32Array(4096);
  /** Entries in `slots`, counting those of records a dry run took back (until the next rehash drops them). */
  private slotted = 0;
  private readonly deviceKeys = new Map<number, Array<[Uint8Array, string]>>();
  /** The device key asked for last: an envelope's records are mostly signed by one. */
  private lastDevice: [Uint8Array, string] | null = null;
  readonly causal: CausalIndex;
  genesis = -1;
  readonly proposals = new Map<string, ProposalInfo>();
  /** Valid rage quits by author, in event order (time, then canonical order). */
  readonly ragequits = new Map<string, number[]>();
  /** Per author, the rage quits that count for everything held (see ragequitsIn), in event order; only these are marked. */
  readonly exits = new Map<string, number[]>();
  private readonly counted = new Set<number>();
  /** Removal proposals a finalization passed, by the member they remove (passedRemovalsOf), and how much of `passed` they were taken from. */
  private readonly passedRemovals = new Map<string, ProposalInfo[]>();
  private passedLooked = 0;
  /** Valid device delegations and revocations by `${author}|${device hex}`. */
  readonly delegations = new Map<string, number[]>();
  readonly revocations = new Map<string, number[]>();
  /** The same revocations by chain of the causal index, each chain's in position order (revokedBefore). */
  private readonly revocationChains = new Map<string, Map<number, number[]>>();
  /** Per `${key}|${delegation}|${chain}`: the first revocation of each chain, for device records on `chain` (revokedUnseen). */
  private readonly revocationFronts = new Map<string, RevocationFront>();
  /**
   * Per voter and credit epoch (ballotBookKey), the proposals the voter cast valid quadratic ballots on (in arrival order: every use
   * is order-free), each with the voter's ballots on it: the proposal's votesByVoter list itself, kept in
   * canonical order as it grows in place. A credit check costs a step per proposal, not one per ballot: a member
   * who changes a ballot K times no longer makes the fold O(K²).
   */
  private readonly ballotBooks = new Map<string, BallotBook>();
  /** Per final proposal, its final certificate's ballot by voter (creditsAllow): certificates never change. */
  private readonly certifiedBallots = new Map<ProposalInfo, { readonly certificate: string; readonly byVoter: Map<string, number> }>();
  readonly heads = new Set<number>();
  /** Proposals with signatures but no finalization yet, by their ceiling (see ProposalInfo). */
  readonly unsettled = new Map<number, Set<ProposalInfo>>();
  /** Finalization records → their proposals, to find what a record with old deps has not seen. */
  readonly finalizedAt = new Map<number, ProposalInfo[]>();
  /** Proposals with a finalization that passed them: the executions views replay (with the rage quits). */
  readonly passed: ProposalInfo[] = [];
  /** Bumped when the events views replay change: a finalization, a rage quit that counts. */
  eventsVersion = 0;
  /** Anchors whose event changed, in order: proposals newly finalized, rage quits that started or stopped counting. */
  readonly eventChanges: Array<ProposalInfo | number> = [];
  revocationCount = 0;
  /** The governance state settle saw for each recent record (finality.ts). */
  readonly settledStates = new SettledStates();
  /** Bumped when whether a record stands can change: a rage quit, a revocation, a removal finalized. */
  standingVersion = 0;
  /** Records with a failed verdict, and valid device delegations and revocations (evidence is derived from these and the proposals). */
  readonly invalid: number[] = [];
  readonly deviceRecords: number[] = [];
  /** Per unsettled proposal, the inputs of its last failed qualification check (finality.ts). */
  readonly qualificationMemo = new Map<ProposalInfo, { signatures: number; eventsVersion: number; revocations: number; state: object }>();

  readonly daoId: string;
  readonly daoHash: Uint8Array;

  constructor(daoId: string, causal: CausalIndex = new CausalIndex()) {
    this.daoId = daoId;
    this.daoHash = recordHashFromId(daoId);
    this.causal = causal;
  }

  /**
   * Records that change what a view decides — finalizations and rage quits — held but not in the causal past
   * of `at`. A record that had not seen a few concurrent ones differs from "everything" only through these and
   * device revocations (missesRevocation); listing them costs one step per chain, not one per unseen record.
   */
  unseenChanges(at: number): number[] {
    return this.causal.markedUnseenBy(at, marks.changes);
  }

  /**
   * Whether a device revocation held is not in the causal past of `at`. Revocations are marked apart from the
   * changes above because no view needs them listed: K revocations none of which saw the others would make
   * listing them, for each, cost K.
   */
  missesRevocation(at: number): boolean {
    return this.causal.missesMarked(at, marks.revocations);
  }

  /**
   * Whether device delegation `delegation` is revoked in the causal past of record `at`: by a revocation of
   * `key` (author|device) there, other than `at`, that saw the delegation. Of each chain's revocations only the
   * newest in at's past is asked (it saw what the earlier ones saw), and the chains asked are those at has
   * seen or those with revocations, whichever are fewer: K revocations that did not see each other cost each
   * other's judging nothing.
   */
  revokedBefore(key: string, delegation: number, at: number): boolean {
    const byChain = this.revocationChains.get(key);
    if (byChain === undefined) return false;
    const covers = (chain: number): boolean => {
      const list = byChain.get(chain);
      if (list === undefined) return false;
      for (let i = list.length - 1; i >= 0; i--) {
        const revocation = list[i]!;
        if (revocation !== at && this.causal.inPast(revocation, at)) return this.causal.inPast(delegation, revocation);
      }
      return false;
    };
    const found = this.causal.someSeenChain(at, byChain.size, covers);
    if (found !== null) return found;
    for (const chain of byChain.keys()) if (covers(chain)) return true;
    return false;
  }

  /** Notes that record `index` (the newest on its chain: it is being taken in) changes views (see unseenChanges). */
  markChange(index: number): void {
    this.causal.mark(index, marks.changes);
  }

  /** Unsettled proposals with at least `threshold` signers of one certificate, in all. (An array: asked for per record, a generator allocated several times more.) */
  unsettledReaching(threshold: number): readonly ProposalInfo[] {
    let reaching: ProposalInfo[] | null = null;
    // Over the keys: a for-of over the entries made an array per bucket, per record.
    for (const ceiling of this.unsettled.keys()) {
      if (ceiling < threshold) continue;
      for (const proposal of this.unsettled.get(ceiling)!) (reaching ??= []).push(proposal);
    }
    return reaching ?? noProposals;
  }

  /** How many records the index holds. */
  get size(): number {
    return this.nodes.length;
  }

  node(index: number): LedgerNode {
    return this.nodes[index] ?? this.made(index);
  }

  private made(index: number): LedgerNode {
    if (this.source === null || index < 0 || index >= this.nodes.length) throw new RangeError(`no record ${index}`);
    return (this.nodes[index] = this.source.make(index));
  }

  /** Record `index`'s node as node() gives it, but one made from the snapshot is not kept (a snapshot reads them all). */
  nodeToRead(index: number): LedgerNode {
    return this.nodes[index] ?? this.source!.make(index);
  }

  /** These read a record's node when it is made, else the snapshot's columns: no node is made for them. */
  idOf(index: number): string {
    return this.nodes[index]?.id ?? recordIdAt(this.hashes, 32 * index);
  }

  kindOf(index: number): string {
    return this.nodes[index]?.kind ?? 'vote';
  }

  authorOf(index: number): string {
    return this.nodes[index]?.author ?? this.source!.author(index);
  }

  heightOf(index: number): number {
    return this.heights[index]!;
  }

  timeOf(index: number): number {
    return this.nodes[index]?.time ?? this.source!.time(index);
  }

  /** The kind of a valid record, null for one judged invalid (or none at `index`). */
  validKind(index: number): string | null {
    if (!(index >= 0 && index < this.nodes.length)) return null;
    const node = this.nodes[index];
    if (node === undefined) return 'vote';
    return node.verdict.ok ? node.verdict.data.kind : null;
  }

  /** The proposal a valid record is about (its creation, a withdrawal, a vote or a signature), else null. */
  proposalOf(index: number): ProposalInfo | null {
    if (!(index >= 0 && index < this.nodes.length)) return null;
    const node = this.nodes[index];
    if (node === undefined) return this.source!.proposal(index);
    if (!node.verdict.ok) return null;
    const data = node.verdict.data;
    switch (data.kind) {
      case 'proposal.create':
      case 'proposal.withdraw':
        return data.proposal;
      case 'vote':
        return data.vote.proposal;
      case 'tally.sign':
        return data.signature.proposal;
      default:
        return null;
    }
  }

  inView(index: number, view: View): boolean {
    return view.at < 0 || this.causal.inPast(index, view.at);
  }

  viewOf(index: number): View {
    return { at: index, time: this.timeOf(index) };
  }

  /**
   * Takes in a node (the next index) and its record's hash (at `offset` of `hash`). The caller has made sure the
   * record is not here yet (indexOfHash), as it must before judging it anyway.
   */
  addNode(node: LedgerNode, hash: Uint8Array, offset = 0): void {
    this.place(node.index, node.height, hash, offset);
    this.nodes.push(node);
    this.slotLast();
  }

  /**
   * Takes in vote `index` (the next) from a fold snapshot without making its node: `source` makes it when it
   * is first asked for. The caller has checked it as for addNode, and files it (registerVote).
   */
  addFromSource(index: number, height: number, source: NodeSource, hash: Uint8Array, offset = 0): void {
    this.source = source;
    this.place(index, height, hash, offset);
    this.nodes.push(undefined);
    this.slotLast();
  }

  /** Takes back the last record (a dry run's, DaoLedger.dryRun); its slot stays until the next rehash, which skips it. */
  dropLast(): void {
    this.nodes.pop();
  }

  private place(index: number, height: number, hash: Uint8Array, offset: number): void {
    if (index !== this.nodes.length) throw new RangeError(`record ${index} is not the next (${this.nodes.length})`);
    if (this.hashes.length < 32 * (index + 1)) {
      const grown = new Uint8Array(Math.max(2 * this.hashes.length, 32 * (index + 1)));
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes.set(offset === 0 && hash.length === 32 ? hash : hash.subarray(offset, offset + 32), 32 * index);
    if (this.heights.length <= index) {
      const grown = new Int32Array(2 * (index + 1));
      grown.set(this.heights);
      this.heights = grown;
    }
    this.heights[index] = height;
  }

  private slotLast(): void {
    if (2 * (this.slotted + 1) > this.slots.length) this.rehash();
    else this.slot(this.nodes.length - 1);
  }

  /**
   * A record's parents (its deps, then its device delegation unless a dep already), found by their hashes with
   * no ids made; null when one is not here.
   */
  parentsOf(record: SignedRecord): number[] | null {
    const parents: number[] = [];
    for (const dep of record.deps) {
      const parent = this.indexOfHash(dep);
      if (parent < 0) return null;
      parents.push(parent);
    }
    if (record.device) {
      const delegation = this.indexOfHash(record.device.delegation);
      if (delegation < 0) return null;
      if (!parents.includes(delegation)) parents.push(delegation);
    }
    return parents;
  }

  /** Hex of a device key, made once per key (every device-signed record names one; a DAO has a few dozen). */
  deviceHex(key: Uint8Array): string {
    const last = this.lastDevice;
    if (last !== null && compareBytes(last[0], key) === 0) return last[1];
    // A small integer key (a Smi), not a heap number.
    const start = startSlot(key, 0) & 0x3fffffff;
    const known = this.deviceKeys.get(start);
    if (known !== undefined) {
      for (const entry of known) {
        if (compareBytes(entry[0], key) === 0) {
          this.lastDevice = entry;
          return entry[1];
        }
      }
    }
    const entry: [Uint8Array, string] = [new Uint8Array(key), bytesToHex(key)];
    if (this.deviceKeys.size < 4096) {
      if (known !== undefined) known.push(entry);
      else this.deviceKeys.set(start, [entry]);
    }
    this.lastDevice = entry;
    return entry[1];
  }

  /**
   * The index of the record with this id, or -1 when it is not here or `id` is not a record id. By its hash, as
   * indexOfHash: the records' id strings are not kept in a map of their own.
   */
  indexOfId(id: string): number {
    let hash: Uint8Array;
    try {
      hash = recordHashFromId(id);
    } catch {
      return -1;
    }
    return this.indexOfHash(hash);
  }

  /** The index of the record whose hash is the 32 bytes at `offset` of `hash`, or -1 when it is not here. */
  indexOfHash(hash: Uint8Array, offset = 0): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const hashes = this.hashes;
    const count = this.nodes.length;
    for (let at = startSlot(hash, offset) & mask; ; at = (at + 1) & mask) {
      const entry = slots[at]! - 1;
      if (entry < 0) return -1;
      // Entries past the nodes are records a dry run took back (DaoLedger.dryRun): skipped, never trusted.
      if (entry >= count) continue;
      let same = true;
      for (let i = 0, from = 32 * entry; i < 32; i++) {
        if (hashes[from + i] !== hash[offset + i]) {
          same = false;
          break;
        }
      }
      if (same) return entry;
    }
  }

  private slot(index: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let at = startSlot(this.hashes, 32 * index) & mask;
    while (slots[at] !== 0) at = (at + 1) & mask;
    slots[at] = index + 1;
    this.slotted++;
  }

  private rehash(): void {
    let size = 4096;
    while (size < 4 * this.nodes.length) size *= 2;
    this.slots = new Int32Array(size);
    this.slotted = 0;
    for (let index = 0; index < this.nodes.length; index++) this.slot(index);
  }

  /** The hashes of records 0..n-1, back to back (a view: copy it to keep it). */
  hashBytes(): Uint8Array {
    return this.hashes.subarray(0, 32 * this.nodes.length);
  }

  /** Canonical order: height, then hash bytes. */
  compare(a: number, b: number): number {
    const difference = this.heights[a]! - this.heights[b]!;
    if (difference !== 0) return difference;
    const hashes = this.hashes;
    for (let left = 32 * a, right = 32 * b, end = left + 32; left < end; left++, right++) {
      if (hashes[left] !== hashes[right]) return hashes[left]! - hashes[right]!;
    }
    return 0;
  }

  /** The proposal's finalization in `view` (the first in canonical order when there are several), or null. */
  finalIn(proposal: ProposalInfo, view: View): Finalization | null {
    let first: Finalization | null = null;
    for (const finalization of proposal.finalizations) {
      if (!this.inView(finalization.at, view)) continue;
      if (!first || this.compare(finalization.at, first.at) < 0) first = finalization;
    }
    return first;
  }

  /** finalIn(proposal, view) !== null, without looking for the first. */
  isFinalIn(proposal: ProposalInfo, view: View): boolean {
    for (const finalization of proposal.finalizations) if (this.inView(finalization.at, view)) return true;
    return false;
  }

  /** When a passed proposal executes in `view`: its earliest finalization there plus the grace period. */
  readyAt(proposal: ProposalInfo, view: View): number | null {
    let earliest: number | null = null;
    for (const finalization of proposal.finalizations) {
      if (finalization.outcome !== 'passed' || !this.inView(finalization.at, view)) continue;
      earliest = earliest === null ? finalization.time : Math.min(earliest, finalization.time);
    }
    return earliest === null ? null : earliest + proposal.graceMs;
  }

  executedIn(proposal: ProposalInfo, view: View): boolean {
    const final = this.finalIn(proposal, view);
    if (!final || final.outcome !== 'passed') return false;
    const ready = this.readyAt(proposal, view);
    return ready !== null && view.time >= ready;
  }

  withdrawnIn(proposal: ProposalInfo, view: View): boolean {
    return proposal.withdrawals.some((withdrawal) => this.inView(withdrawal, view));
  }

  /**
   * Why record `index` no longer counts for a consumer with `view` although it was valid in its own view, or
   * null when it stands. Exits and revocations win over what their author did concurrently (DESIGN.md §4a):
   * a record stands only if it is in the causal past of every exit of its author (a rage quit that counts in
   * the view, or the record that finalized their removal) and of every revocation of its device that the
   * consumer knows of.
   */
  standing(index: number, view: View): string | null {
    const node = this.node(index);
    const author = node.author;
    if (node.kind === 'member.ragequit') return null;
    for (const ragequit of this.ragequitsIn(author, view)) {
      if (!this.causal.inPast(ragequit, index) && !this.causal.inPast(index, ragequit)) return reasons.concurrentWithRagequit;
    }
    for (const removal of this.passedRemovalsOf(author)) {
      const final = this.finalIn(removal, view);
      if (!final || final.outcome !== 'passed' || this.finalIn(removal, this.viewOf(index))) continue;
      const before = removal.finalizations.some((finalization) => this.inView(finalization.at, view) && this.causal.inPast(index, finalization.at));
      if (!before) return reasons.concurrentWithRemoval;
    }
    const device = node.device;
    if (device !== null && this.revocationCount > 0) {
      const delegation = node.delegation;
      const key = `${author}|${device}`;
      // A valid record has no revocation that saw its delegation in its past (checkDevice): it is concurrent with
      // one exactly when the view holds one that had not seen it, which revokedUnseen asks without a scan.
      if (node.verdict.ok && delegation >= 0) return this.revokedUnseen(key, delegation, index, view) ? reasons.concurrentWithRevocation : null;
      for (const revocation of this.revocations.get(key) ?? []) {
        if (!this.inView(revocation, view) || delegation < 0 || !this.causal.inPast(delegation, revocation)) continue;
        if (!this.causal.inPast(revocation, index) && !this.causal.inPast(index, revocation)) return reasons.concurrentWithRevocation;
      }
    }
    return null;
  }

  /**
   * Whether `view` holds a revocation of `key` that saw `delegation` and had not seen record `index`. Along one
   * chain of the causal index such revocations come in causal order, so the first of them on each chain (its
   * front) is in every view that holds any, and has seen the least of index's chain: the question is whether the
   * view holds a front that had not seen `index`. Fronts are kept per key, delegation and index's chain, with
   * what each saw of that chain and the least of those (the floor), as revocations come in: revocations'
   * vectors never change, and a key's list only grows. So K revocations of a device cost a question about one
   * of its records no K steps when every front saw it (the floor says so), nor for everything held (which holds
   * every front); otherwise the fronts or the chains the view has seen, whichever are fewer.
   */
  private revokedUnseen(key: string, delegation: number, index: number, view: View): boolean {
    const revocations = this.revocations.get(key);
    if (revocations === undefined) return false;
    const chain = this.causal.chain(index);
    const frontKey = `${key}|${delegation}|${chain}`;
    let front = this.revocationFronts.get(frontKey);
    if (front === undefined) this.revocationFronts.set(frontKey, (front = { looked: 0, byChain: new Map(), entries: [], floor: Infinity }));
    for (; front.looked < revocations.length; front.looked++) {
      const revocation = revocations[front.looked]!;
      const revocationChain = this.causal.chain(revocation);
      if (front.byChain.has(revocationChain) || !this.causal.inPast(delegation, revocation)) continue;
      const entry = { revocation, seen: this.causal.seenBy(revocation, chain) };
      front.byChain.set(revocationChain, entry);
      front.entries.push(entry);
      front.floor = Math.min(front.floor, entry.seen);
    }
    const position = this.causal.position(index);
    if (front.floor >= position) return false;
    if (view.at < 0) return true;
    const at = view.at;
    const unseen = (entry: RevocationFrontEntry | undefined): boolean => entry !== undefined && entry.seen < position && this.causal.inPast(entry.revocation, at);
    const held = this.causal.someSeenChain(at, front.entries.length, (seenChain) => unseen(front.byChain.get(seenChain)));
    return held ?? front.entries.some(unseen);
  }

  /**
   * The removals of `member` that a finalization passed: the only ones that can be passed in a view (finalIn
   * gives one of the proposal's own finalizations). Taken from `passed` as it grows (finality.ts, or a fold
   * snapshot), so that removals proposed and never passed cost nothing to the questions about a member's records.
   */
  passedRemovalsOf(member: string): readonly ProposalInfo[] {
    for (; this.passedLooked < this.passed.length; this.passedLooked++) {
      const proposal = this.passed[this.passedLooked]!;
      if (proposal.removes) push(this.passedRemovals, proposal.removes, proposal);
    }
    return this.passedRemovals.get(member) ?? noProposals;
  }

  /** Event order, in which views replay exits and executions: time, then canonical order. */
  compareEvents(a: number, b: number): number {
    return this.timeOf(a) - this.timeOf(b) || this.compare(a, b);
  }

  /** Whether rage quit `index` counts for everything held (see ragequitsIn). */
  countsForEverything(index: number): boolean {
    return this.counted.has(index);
  }

  /**
   * The rage quits of `author` that count in `view`, in event order: each one that had seen every one counted
   * before it. A rage quit made concurrently with an earlier counted one changes nothing (an exit is an exit):
   * of K concurrent rage quits by one member the first in event order counts, whichever arrived first. A
   * later one counts only on top of the earlier (a member admitted again). Rage quits of one member form an
   * antichain but for such readmissions, so the list is nearly always one record.
   *
   * A view that holds every rage quit counted for everything has the same ones (greedy choice over a subset
   * that contains every pick), so only those are marked; a view that misses one pays one pass over the
   * author's rage quits.
   */
  ragequitsIn(author: string, view: View): readonly number[] {
    const all = this.ragequits.get(author);
    if (all === undefined) return none;
    const counted = this.exits.get(author)!;
    if (view.at < 0 || counted.every((ragequit) => this.causal.inPast(ragequit, view.at))) return counted;
    return this.countedAmong(all, view.at, 0, []);
  }

  /** Continues the greedy choice over `list` (event order) from `from`, with `kept` chosen before it; `at` >= 0 keeps to its past. */
  private countedAmong(list: readonly number[], at: number, from: number, kept: number[]): number[] {
    for (let position = from; position < list.length; position++) {
      const ragequit = list[position]!;
      if (at >= 0 && !this.causal.inPast(ragequit, at)) continue;
      // `earlier` sorts before `ragequit`, so they are ordered only if it is in ragequit's past.
      if (kept.every((earlier) => this.causal.inPast(earlier, ragequit))) kept.push(ragequit);
    }
    return kept;
  }

  /** Files a valid rage quit and updates which of its author's count for everything held (marks, events). */
  private fileRagequit(author: string, index: number): void {
    let list = this.ragequits.get(author);
    if (list === undefined) {
      list = [];
      this.ragequits.set(author, list);
    }
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.compareEvents(list[middle]!, index) < 0) low = middle + 1;
      else high = middle;
    }
    list.splice(low, 0, index);
    const before = this.exits.get(author) ?? none;
    // The choice before the new rage quit stands; from it on it is made again.
    const kept = before.filter((ragequit) => this.compareEvents(ragequit, index) < 0);
    const after = this.countedAmong(list, -1, low, kept);
    this.exits.set(author, after);
    let changed = false;
    for (const ragequit of before) {
      if (after.includes(ragequit)) continue;
      this.counted.delete(ragequit);
      // Its mark stays while it also finalizes a proposal: views that miss it still miss that finalization.
      if (!this.finalizedAt.has(ragequit)) this.causal.unmark(ragequit, marks.changes);
      this.eventChanges.push(ragequit);
      changed = true;
    }
    for (const ragequit of after) {
      if (before.includes(ragequit)) continue;
      this.counted.add(ragequit);
      this.markChange(ragequit);
      this.eventChanges.push(ragequit);
      changed = true;
    }
    if (changed) {
      this.eventsVersion++;
      this.standingVersion++;
    }
  }

  /**
   * Why record `at` cannot revoke `device` of `author`, or null when it can: in its view the author delegated
   * the device, and some such delegation is not revoked there.
   */
  revocationProblem(author: string, device: string, at: number): string | null {
    const key = `${author}|${device}`;
    const delegations = (this.delegations.get(key) ?? none).filter((delegation) => delegation !== at && this.causal.inPast(delegation, at));
    if (delegations.length === 0) return reasons.revokesUndelegated;
    const live = delegations.some((delegation) => !this.revokedBefore(key, delegation, at));
    return live ? null : reasons.revokesRevoked;
  }

  /** The member's latest vote (in canonical order) on `proposal` in `view`, if any. */
  latestVote(proposal: ProposalInfo, voter: string, view: View): number | undefined {
    const votes = proposal.votesByVoter.get(voter);
    if (votes === undefined) return undefined;
    for (let at = votes.length - 1; at >= 0; at--) if (this.inView(votes[at]!, view)) return votes[at];
    return undefined;
  }

  voteInfo(index: number): VoteInfo {
    const verdict = this.node(index).verdict;
    if (!verdict.ok || verdict.data.kind !== 'vote') throw new Error('not a vote');
    return verdict.data.vote;
  }

  signatureInfo(index: number): SignatureInfo {
    const verdict = this.node(index).verdict;
    if (!verdict.ok || verdict.data.kind !== 'tally.sign') throw new Error('not a signature');
    return verdict.data.signature;
  }

  /**
   * Quadratic credits: does `candidate` (a ballot; `info` describes it) fit its voter's credits for the epoch in
   * `view`? First the ballots that final certificates in the view counted are charged, whatever their canonical
   * place: they count for good, so a ballot that sorts before one of them but was certified nowhere yet must not
   * take its credits (else both would be certified: a double spend). A proposal final in the view costs that and
   * nothing else: its other ballots have no effect. Then, in canonical order, the voter's latest ballot in the
   * view on each other proposal; one that would go over the budget is dropped, so two concurrent ballots that
   * together overspend cannot both count. Ballots on proposals withdrawn in the view cost nothing, unless a final
   * certificate counted them. A ballot a final certificate counted always fits (re-signing it anchors it).
   * Every input (ballots, finalizations, withdrawals in the view) is a fact of the view, so every replica
   * decides alike, whatever arrived first. `candidate` is its voter's latest ballot on its proposal in `view` for
   * every caller; if not, it does not fit.
   */
  creditsAllow(candidate: number, info: VoteInfo, view: View, budget: number): boolean {
    const { proposal, voter } = info;
    const final = this.finalIn(proposal, view);
    if (final !== null && this.certifiedBallot(proposal, final, voter) === candidate) return true;
    // In its own view a ballot sorts after everything else there; only other views need to ask.
    if (view.at !== candidate) {
      const latest = this.latestVote(proposal, voter, view);
      if (latest !== undefined && latest !== candidate && this.compare(latest, candidate) > 0) return false;
    }
    let spent = 0;
    let before: number[] | null = null;
    const book = this.ballotBooks.get(ballotBookKey(voter, proposal));
    for (let entry = 0; book !== undefined && entry < book.proposals.length; entry++) {
      const other = book.proposals[entry]!;
      if (other === proposal) continue;
      // latestVote from the list at hand. A certificate counts only ballots its signers had seen, so a proposal
      // with none in the view costs nothing here.
      const ballots = book.ballots[entry]!;
      let position = ballots.length - 1;
      while (position >= 0 && !this.inView(ballots[position]!, view)) position--;
      if (position < 0) continue;
      const latest = ballots[position]!;
      const otherFinal = this.finalIn(other, view);
      if (otherFinal !== null) {
        const certified = this.certifiedBallot(other, otherFinal, voter);
        if (certified >= 0) spent += ballotCost(this.voteInfo(certified));
        continue;
      }
      // Only what sorts before the candidate is charged before it.
      if (this.compare(latest, candidate) < 0 && !this.withdrawnIn(other, view)) (before ??= []).push(latest);
    }
    if (before !== null) {
      before.sort((a, b) => this.compare(a, b));
      for (const ballot of before) {
        const cost = ballotCost(this.voteInfo(ballot));
        if (spent + cost <= budget) spent += cost;
      }
    }
    return spent + ballotCost(info) <= budget;
  }

  /** The voter's ballot that `final`, a finalization of `proposal`, counted, or -1 when it counted none of theirs. */
  private certifiedBallot(proposal: ProposalInfo, final: Finalization, voter: string): number {
    let entry = this.certifiedBallots.get(proposal);
    if (entry === undefined || entry.certificate !== final.certificate) {
      // A finalization is made of held signatures of its certificate, which all list the same votes.
      const signature = proposal.signatures.find((candidate) => this.signatureInfo(candidate).certificate === final.certificate)!;
      const byVoter = new Map<string, number>();
      for (const vote of this.signatureInfo(signature).votes) byVoter.set(this.voteInfo(vote).voter, vote);
      entry = { certificate: final.certificate, byVoter };
      this.certifiedBallots.set(proposal, entry);
    }
    return entry.byVoter.get(voter) ?? -1;
  }

  /** Files a record that passed its verdict in the per-proposal and per-member lists the queries use. */
  register(node: LedgerNode): void {
    if (!node.verdict.ok) {
      this.invalid.push(node.index);
      return;
    }
    const data = node.verdict.data;
    const author = node.author;
    switch (data.kind) {
      case 'dao.genesis':
        this.genesis = node.index;
        break;
      case 'proposal.create':
        this.proposals.set(data.proposal.id, data.proposal);
        break;
      case 'proposal.withdraw':
        data.proposal.withdrawals.push(node.index);
        break;
      case 'vote':
        this.registerVote(node.index, data.vote.proposal, author);
        break;
      case 'tally.sign': {
        const { proposal, certificate } = data.signature;
        proposal.signatures.push(node.index);
        const signers = proposal.signersByCertificate.get(certificate) ?? new Set<string>();
        signers.add(author);
        proposal.signersByCertificate.set(certificate, signers);
        if (proposal.finalizations.length === 0) this.unsettled.get(proposal.ceiling)?.delete(proposal);
        proposal.ceiling = Math.max(proposal.ceiling, signers.size);
        if (proposal.finalizations.length === 0) {
          const bucket = this.unsettled.get(proposal.ceiling) ?? new Set<ProposalInfo>();
          bucket.add(proposal);
          this.unsettled.set(proposal.ceiling, bucket);
        }
        break;
      }
      case 'member.ragequit':
        this.fileRagequit(author, node.index);
        break;
      case 'device.revoke':
        push(this.revocations, `${author}|${data.device}`, node.index);
        this.fileRevocation(`${author}|${data.device}`, node.index);
        this.revocationCount++;
        this.standingVersion++;
        this.deviceRecords.push(node.index);
        break;
      case 'device.delegate':
        push(this.delegations, `${author}|${data.device}`, node.index);
        this.deviceRecords.push(node.index);
        break;
    }
  }

  /** Files valid vote `index` (register's part for votes, also for a vote taken back without its node). */
  registerVote(index: number, proposal: ProposalInfo, voter: string): void {
    proposal.votes.push(index);
    this.fileInOrder(proposal.votesByVoter, voter, index);
    if (proposal.epoch >= 0) this.fileBallot(proposal, voter);
  }

  /** Notes the voter's quadratic ballot just filed in the proposal's votesByVoter: on their first, the proposal joins their book for its epoch. */
  private fileBallot(proposal: ProposalInfo, voter: string): void {
    const ballots = proposal.votesByVoter.get(voter)!;
    if (ballots.length > 1) return;
    const key = ballotBookKey(voter, proposal);
    let book = this.ballotBooks.get(key);
    if (book === undefined) this.ballotBooks.set(key, (book = { proposals: [], ballots: [] }));
    book.proposals.push(proposal);
    book.ballots.push(ballots);
  }

  private fileRevocation(key: string, index: number): void {
    let byChain = this.revocationChains.get(key);
    if (byChain === undefined) this.revocationChains.set(key, (byChain = new Map()));
    push(byChain, this.causal.chain(index), index);
    this.causal.mark(index, marks.revocations);
  }

  /** Adds record `index` to the list under `key`, kept in canonical order (a new record mostly goes last). */
  private fileInOrder(map: Map<string, number[]>, key: string, index: number): void {
    const list = map.get(key);
    if (list === undefined) {
      map.set(key, [index]);
      return;
    }
    if (this.compare(list[list.length - 1]!, index) < 0) {
      list.push(index);
      return;
    }
    // Searched, not walked: one voter's records that did not see each other sort by hash, anywhere in the list.
    let low = 0;
    let high = list.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(list[middle]!, index) > 0) high = middle;
      else low = middle + 1;
    }
    list.splice(low, 0, index);
  }
}

/**
 * Per record, the governance state its view had when settle ran for it: settle takes a shortcut for a record
 * written on top of one in the same state. Only the last few thousand records keep theirs, so that the states
 * of long-gone views are not kept alive; a record on top of an older one (or of one from an imported fold,
 * which has none) takes the long way.
 */
export class SettledStates {
  private static readonly kept = 4096;
  /** Record index of states[0]. */
  private base = 0;
  private states: Array<object | null> = [];

  get(index: number): object | null | undefined {
    const at = index - this.base;
    return at >= 0 && at < this.states.length ? this.states[at] : undefined;
  }

  set(index: number, state: object): void {
    if (this.states.length === 0 || index < this.base) {
      this.base = index;
      this.states = [];
    }
    // Records settle in index order; a gap is records that never settled (before the genesis).
    while (this.base + this.states.length < index) this.states.push(null);
    this.states[index - this.base] = state;
    if (this.states.length >= 2 * SettledStates.kept) {
      this.states = this.states.slice(SettledStates.kept);
      this.base += SettledStates.kept;
    }
  }
}

/** A hash's first four bytes: SHA-256 output is uniform, so they spread records over the table as they are. */
function startSlot(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}

const none: readonly number[] = [];

/** n votes cost n² voice credits. */
function ballotCost(vote: VoteInfo): number {
  return vote.votes * vote.votes;
}

/** The kinds of records the causal index marks (CausalIndex.mark): those that change views, and device revocations. */
const marks = { changes: 0, revocations: 1 } as const;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * A voter's budget of one credit epoch: an epoch is its length and its number, so quadratic modes of different
 * epoch lengths (a kind's own mode, rules changed in between) never share credits because their numbers meet.
 * Modes of one length share the epoch's credits; each ballot is held to its own mode's budget.
 */
function ballotBookKey(voter: string, proposal: ProposalInfo): string {
  const length = proposal.mode.type === 'quadratic' ? proposal.mode.epochMs : 0; // only quadratic proposals have books
  return `${voter}|${length}|${proposal.epoch}`;
}

/** A voter's proposals of one credit epoch and, at the same places, their ballots on each in canonical order (see LedgerIndex.ballotBooks). */
type BallotBook = { readonly proposals: ProposalInfo[]; readonly ballots: Array<readonly number[]> };

/** The first revocation of `key` on one chain that saw a delegation, and the newest position it saw of another chain. */
type RevocationFrontEntry = { revocation: number; seen: number };
/** See LedgerIndex.revokedUnseen: the key's revocations looked at, the fronts by their chain and in a list, and the least they saw. */
type RevocationFront = { looked: number; byChain: Map<number, RevocationFrontEntry>; entries: RevocationFrontEntry[]; floor: number };
