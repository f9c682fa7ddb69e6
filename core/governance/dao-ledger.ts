// The fold: a DAO's governance state as a deterministic function of the set of its records (DESIGN.md §4).
// Records come in already decoded and signature-checked (the update gate's job); here they wait for their
// causal past (pending), get a verdict judged in that past (verdict.ts), may finalize tally certificates
// (finality.ts), and the state the UI sees is derived from all of it (dao-state.ts). Same records, any
// arrival order, duplicates or not: same state and same state hash.
import { DaomeshError } from '../errors.ts';
import { recordIdFromHash, type LedgerRecord } from '../ledger/record.ts';
import { proposeCertificate, type Certificate, type CertificateProposal } from './certificate.ts';
import { StateDeriver, type DaoState, type DerivedState } from './dao-state.ts';
import { qualifyingCertificate, settle } from './finality.ts';
import { decodeFold, encodeFold, type FoldParts } from './fold-snapshot.ts';
import type { GovernanceState } from './governance-state.ts';
import { HeldRecords } from './held-records.ts';
import { LedgerIndex, type LedgerNode, type Verdict } from './ledger-index.ts';
import { proposalKinds, type ProposalKinds } from './proposal-kinds.ts';
import { judge, type JudgeContext } from './verdict.ts';
import { ViewStates } from './view-state.ts';

export type DaoLedgerOptions = {
  /** Proposal kinds beyond the built-ins; every peer of the DAO must fold with the same ones. */
  readonly kinds?: ProposalKinds;
  /**
   * Records claiming a time more than this far ahead of the `now` passed to `add` wait until it is no longer
   * so (default 10 minutes). A clock pushed far ahead would otherwise drag every later record's time with it
   * (a record's time is at least its parents') and stall the DAO's deadlines.
   */
  readonly maxClockSkewMs?: number;
};

export type AddResult = {
  /** Records taken into the fold by this call (including earlier pending ones it completed). */
  readonly applied: readonly string[];
  /** Records still waiting for records they depend on. */
  readonly pending: readonly string[];
  /** Records waiting because they claim a time too far ahead of `now`. */
  readonly held: readonly string[];
};

/** Records held back for claiming a time ahead of the local clock (DaoLedger.heldBack). */
export type HeldBack = {
  readonly count: number;
  /** The furthest time any of them claims. */
  readonly latest: number;
  /** When the first of them may be taken in, if `add` is called with a `now` at least this. */
  readonly releasesAt: number;
  readonly authors: readonly string[];
};

const notJudged: Verdict = { ok: false, reason: 'not judged yet' };

/** A dry run's reason for a record on top of records held back for claiming a time ahead of the clock. */
export const heldParentsReason = "it builds on records claiming a time too far ahead of this computer's clock, which this node holds back until its clock gets there";

/** What the fold makes of a record: it counts, or it is kept as evidence with the reason. */
export type RecordVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export class DaoLedger {
  readonly daoId: string;
  private readonly index: LedgerIndex;
  private readonly views: ViewStates;
  private readonly kinds: ProposalKinds;
  private readonly maxClockSkewMs: number;
  /** Records waiting for deps, by id, with the ids they still miss. */
  private readonly waiting = new Map<string, { record: LedgerRecord; missing: Set<string> }>();
  /** Missing id → ids of waiting records that need it. */
  private readonly neededBy = new Map<string, Set<string>>();
  private readonly held = new HeldRecords();
  /** Record indices in canonical order (height, then hash). */
  private readonly order: number[];
  readonly #kindScan = { upTo: 0, byKind: new Map<string, number[]>() };
  private derived: DerivedState | null = null;
  private readonly deriver: StateDeriver;
  private readonly judging: JudgeContext;

  /** `imported`: a fold taken back from a snapshot (importFold), instead of an empty one; its parts become this ledger's. */
  constructor(daoId: string, options: DaoLedgerOptions = {}, imported?: FoldParts) {
    this.daoId = daoId;
    this.index = imported?.index ?? new LedgerIndex(daoId);
    this.order = imported?.order ?? [];
    this.views = new ViewStates(this.index);
    this.deriver = new StateDeriver(this.index, this.views, this.order);
    if (imported?.facts) this.deriver.restoreFacts(imported.facts);
    this.kinds = options.kinds ?? proposalKinds();
    this.maxClockSkewMs = options.maxClockSkewMs ?? 10 * 60 * 1000;
    this.judging = { index: this.index, views: this.views, kinds: this.kinds };
  }

  /**
   * A ledger from exportFold's bytes, as it was, without judging any record again (fold-snapshot.ts). Throws
   * INTERNAL, saying why, for bytes that are not such a fold of this DAO under this version's rules and kinds:
   * fold the records instead. Records that were waiting for deps are not in it; add them again.
   */
  static importFold(daoId: string, bytes: Uint8Array, options: DaoLedgerOptions = {}): DaoLedger {
    return new DaoLedger(daoId, options, decodeFold(daoId, bytes, options.kinds ?? proposalKinds()));
  }

  /**
   * Everything the fold derived, as bytes importFold takes back; not the records waiting for deps or held. The
   * state is derived first if it is not (after the genesis), so the snapshot holds the proposals' facts.
   */
  exportFold(): Uint8Array {
    if (this.index.genesis < 0) return encodeFold({ index: this.index, order: this.order }, this.kinds);
    this.derive();
    return encodeFold({ index: this.index, order: this.order, facts: this.deriver.savedFacts() }, this.kinds);
  }

  /**
   * Takes in records (any order, duplicates welcome). Pass `now` to hold back records that claim a time too
   * far ahead of it; without `now` nothing is held.
   */
  add(records: LedgerRecord | readonly LedgerRecord[], now?: number): AddResult {
    const list = Array.isArray(records) ? (records as readonly LedgerRecord[]) : [records as LedgerRecord];
    const applied: string[] = [];
    const due = now === undefined || this.held.size === 0 ? [] : this.held.takeDue(now + this.maxClockSkewMs);
    const candidates = due.length === 0 ? list : [...list, ...due];
    for (const record of candidates) {
      if (this.index.indexOfHash(record.hash) >= 0 || (this.waiting.size > 0 && this.waiting.has(record.id))) continue;
      if (now !== undefined && record.record.time > now + this.maxClockSkewMs) {
        this.held.hold(record);
        continue;
      }
      this.offer(record, applied);
    }
    // Listed only when asked for: hosts add an envelope at a time, while thousands may wait.
    const { waiting, held } = this;
    return {
      applied,
      get pending() {
        return [...waiting.keys()];
      },
      get held() {
        return held.ids();
      },
    };
  }

  has(id: string): boolean {
    return this.index.indexOfId(id) >= 0;
  }

  /** True when record `earlier` is in the causal past of record `later` (or is it); false when either is not in the fold. */
  saw(later: string, earlier: string): boolean {
    const a = this.index.indexOfId(earlier);
    const b = this.index.indexOfId(later);
    return a >= 0 && b >= 0 && this.index.causal.inPast(a, b);
  }

  /** Records taken into the fold (not pending, not held). */
  get size(): number {
    return this.index.size;
  }

  /** The ids of the records in the fold (valid or kept as evidence), in the order they came in. */
  recordIds(): string[] {
    return Array.from({ length: this.index.size }, (_, position) => this.index.idOf(position));
  }

  /**
   * The records held for claiming a time too far ahead of the `now` last passed to `add`: how many, the furthest
   * time claimed, their authors, and when the first may come in (its time less the allowed skew); null when none.
   */
  heldBack(): HeldBack | null {
    const held = this.held.summary();
    return held && { count: held.count, latest: held.latest, releasesAt: held.earliest - this.maxClockSkewMs, authors: held.authors };
  }

  /** The records held for claiming a time too far ahead (see heldBack), for a snapshot to keep beside the fold. */
  heldRecords(): LedgerRecord[] {
    return this.held.records();
  }

  /** Records waiting for records they depend on (not those held for their time). */
  waitingIds(): string[] {
    return [...this.waiting.keys()];
  }

  /** Records taken in but not into the fold yet: waiting for deps, or held for claiming a time ahead of `now`. */
  pendingIds(): string[] {
    return [...this.waiting.keys(), ...this.held.ids()];
  }

  /** Ids that waiting records depend on and this ledger does not hold at all: what to ask peers for. */
  missing(): string[] {
    return [...this.neededBy.keys()].filter((id) => !this.waiting.has(id) && !this.held.has(id)).sort();
  }

  /**
   * Current DAG heads in canonical order: the deps of the next record. With `last`, only that many of them,
   * those that sort last (what a record can list: maxDeps), found in one pass: a member who wrote thousands of
   * records none of which saw the others leaves that many heads, and sorting them all for every write cost
   * more than the write.
   */
  heads(last = Infinity): string[] {
    const index = this.index;
    const compare = (a: number, b: number): number => index.compare(a, b);
    let chosen: number[];
    if (index.heads.size <= last) {
      chosen = [...index.heads].sort(compare);
    } else {
      chosen = [];
      for (const head of index.heads) {
        if (chosen.length === last && compare(head, chosen[0]!) < 0) continue;
        let at = chosen.length;
        while (at > 0 && compare(chosen[at - 1]!, head) > 0) at--;
        chosen.splice(at, 0, head);
        if (chosen.length > last) chosen.shift();
      }
    }
    return chosen.map((head) => index.idOf(head));
  }

  /** Record ids in canonical order. */
  canonicalOrder(): string[] {
    return this.order.map((index) => this.index.idOf(index));
  }

  /** The state for the UI at `now` (which only moves countdowns, open/voting-closed, and reputation decay). */
  state(now: number): DaoState {
    return this.derive().at(now);
  }

  stateHash(): string {
    return this.derive().stateHash;
  }

  /**
   * Members, shares, rules, reputation and exits as everything held decides them (for income and payouts).
   * Cheap: it does not derive the UI state. Throws before the genesis is in.
   */
  governanceState(): GovernanceState {
    if (this.index.genesis < 0) throw new DaomeshError('BAD_REQUEST', 'This DAO\'s genesis record has not arrived yet.');
    let time = 0;
    for (const head of this.index.heads) time = Math.max(time, this.index.timeOf(head));
    return this.views.stateIn({ at: -1, time });
  }

  /** Everyone who was ever a member (founders, admitted, left): who may write to the DAO's document at all. */
  everMembers(): string[] {
    if (this.index.genesis < 0) return [];
    const state = this.governanceState();
    const genesis = this.index.node(this.index.genesis).verdict;
    const founders = genesis.ok && genesis.data.kind === 'dao.genesis' ? genesis.data.genesis.founders : [];
    return [...new Set([...founders, ...state.members.keys(), ...state.exits.map((exit) => exit.member)])].sort();
  }

  /**
   * Ids of the records of `kind` that count, in canonical order: valid in their own view and still standing
   * for everything held (not concurrent with their author's exit or their device's revocation). For records the
   * host acts on without governance meaning (group keys, invite revocations). One pass over the records.
   */
  countingRecordsOf(kind: string): string[] {
    const index = this.index;
    let time = 0;
    for (const head of index.heads) time = Math.max(time, index.timeOf(head));
    const everything = { at: -1, time };
    const positions = this.#positionsOf(kind).filter((position) => index.node(position).verdict.ok && index.standing(position, everything) === null);
    return positions.sort((a, b) => index.compare(a, b)).map((position) => index.idOf(position));
  }

  /**
   * Positions of the records of one kind, kept up to date by scanning only the nodes added since the last call
   * (nodes are append-only by position): hosts ask after every change, and a pass over every record would make
   * a catch-up of n envelopes cost n² .
   */
  #positionsOf(kind: string): number[] {
    // A dry run adds and takes back its nodes within one synchronous call, so no scan ever sees them.
    const index = this.index;
    const scan = this.#kindScan;
    for (; scan.upTo < index.size; scan.upTo++) {
      const kind = index.kindOf(scan.upTo);
      const list = scan.byKind.get(kind);
      if (list) list.push(scan.upTo);
      else scan.byKind.set(kind, [scan.upTo]);
    }
    return [...(scan.byKind.get(kind) ?? [])];
  }

  /** The fold's verdict on a record it holds (valid, or ignored with the reason), or undefined when it does not hold it. */
  verdictOf(id: string): RecordVerdict | undefined {
    const position = this.index.indexOfId(id);
    if (position < 0) return undefined;
    const verdict = this.index.node(position).verdict;
    return verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason };
  }

  /**
   * The verdicts the fold would give `records` if they were taken in now, without taking them in: a dry run for
   * a host about to write them, so that it refuses what the fold would only keep as evidence. A verdict is a
   * function of the record and its causal past, so it is the one the fold gives once the record is in, however
   * many records arrive meanwhile. Cheap: each record is judged once, as `add` would judge it, then taken back.
   *
   * `records` are judged in order; a later one may rest on an earlier one only as its device delegation (the
   * host's first write from a device carries its delegation in the same envelope). A record whose parents
   * are not all held gets the reason `waits for records this peer does not hold`.
   */
  dryRun(records: readonly LedgerRecord[]): RecordVerdict[] {
    const index = this.index;
    const tentative: LedgerNode[] = [];
    const verdicts: RecordVerdict[] = [];
    try {
      for (const record of records) {
        const held = this.verdictOf(record.id);
        if (held !== undefined) {
          verdicts.push(held);
          continue;
        }
        const parents = index.parentsOf(record.record);
        if (parents === null) {
          // This peer's own records written while its clock ran ahead are held after a restart: say so, not "missing".
          const reason = this.waitsForHeld(missingParentIds(index, record)) ? heldParentsReason : 'waits for records this peer does not hold';
          verdicts.push({ ok: false, reason });
          continue;
        }
        if (tentative.some((earlier) => earlier.verdict.ok && earlier.kind !== 'device.delegate')) {
          throw new DaomeshError('INTERNAL', 'A dry run judges records on top of an earlier one of the list only when that one is a device delegation.');
        }
        const node = this.newNode(record, tentative, parents);
        tentative.push(node);
        index.addNode(node, record.hash);
        node.verdict = judge(this.judging, node, { record: record.record, parentCount: parents.length });
        verdicts.push(node.verdict.ok ? { ok: true } : { ok: false, reason: node.verdict.reason });
      }
    } finally {
      for (const node of tentative.reverse()) {
        index.dropLast();
        index.causal.removeLast();
        this.views.forget(node.index);
      }
    }
    return verdicts;
  }

  /** Whether any of `ids` is held back for its time, or waits for a record that is (through records waiting for deps). */
  private waitsForHeld(ids: readonly string[]): boolean {
    const seen = new Set<string>();
    const next = [...ids];
    while (next.length > 0) {
      const id = next.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (this.held.has(id)) return true;
      const waiting = this.waiting.get(id);
      if (waiting !== undefined) next.push(...waiting.missing);
    }
    return false;
  }

  /** What an honest member signs for `proposalId` at `now` (see certificate.ts). */
  proposeCertificate(proposalId: string, now: number): CertificateProposal {
    return proposeCertificate(this.index, proposalId, now);
  }

  /**
   * Certificates that have enough signatures among everything held but no single record has all of them in
   * its causal past yet (the signers signed concurrently), so they are not final. Any record written on top
   * of the current heads would finalize them; a signer re-signing the identical certificate (which is never
   * equivocation) is the natural one. Hosts check this after syncing.
   */
  certificatesToAnchor(): Certificate[] {
    const index = this.index;
    let time = 0;
    for (const head of index.heads) time = Math.max(time, index.timeOf(head));
    const everything = { at: -1, time };
    const certificates: Certificate[] = [];
    for (const proposal of index.unsettledReaching(1)) {
      const qualifying = qualifyingCertificate(index, this.views, proposal, everything);
      if (!qualifying) continue;
      const signature = proposal.signatures.find((candidate) => index.signatureInfo(candidate).certificate === qualifying.key)!;
      const votes = index.signatureInfo(signature).votes.map((vote) => index.idOf(vote));
      certificates.push({ proposal: proposal.id, votes, outcome: qualifying.outcome });
    }
    return certificates.sort((a, b) => index.compare(index.indexOfId(a.proposal), index.indexOfId(b.proposal)));
  }

  private derive(): DerivedState {
    if (!this.derived) this.derived = this.deriver.derive();
    return this.derived;
  }

  private offer(record: LedgerRecord, applied: string[]): void {
    const parents = this.index.parentsOf(record.record);
    if (parents === null) {
      const missing = new Set(missingParentIds(this.index, record));
      this.waiting.set(record.id, { record, missing });
      for (const id of missing) {
        const set = this.neededBy.get(id) ?? new Set<string>();
        set.add(record.id);
        this.neededBy.set(id, set);
      }
      return;
    }
    this.insert(record, parents);
    applied.push(record.id);
    // Records that waited for this one (nearly always none), and for those in turn.
    if (this.neededBy.size === 0) return;
    const ready: LedgerRecord[] = [];
    this.release(record.id, ready);
    while (ready.length > 0) {
      const next = ready.pop()!;
      // Its parents are all in now that its last missing one is.
      this.insert(next, this.index.parentsOf(next.record)!);
      applied.push(next.id);
      this.release(next.id, ready);
    }
  }

  /** Moves the records that waited for `id` and for nothing else to `ready`. */
  private release(id: string, ready: LedgerRecord[]): void {
    for (const waiterId of this.neededBy.get(id) ?? []) {
      const waiter = this.waiting.get(waiterId)!;
      waiter.missing.delete(id);
      if (waiter.missing.size === 0) {
        this.waiting.delete(waiterId);
        ready.push(waiter.record);
      }
    }
    this.neededBy.delete(id);
  }

  private insert(record: LedgerRecord, parents: number[]): void {
    const index = this.index;
    const node = this.newNode(record, [], parents);
    index.addNode(node, record.hash);
    node.verdict = judge(this.judging, node, { record: record.record, parentCount: parents.length });
    index.register(node);
    // Its own view's state was cached for its verdict, before it was filed: a rage quit is an event in that view
    // (even when a concurrent one outranks it for everything held, which changes no version the cache checks).
    if (node.kind === 'member.ragequit') this.views.forget(node.index);
    if (index.genesis >= 0) settle(index, this.views, node, parents);
    for (const parent of parents) index.heads.delete(parent);
    index.heads.add(node.index);
    this.insertInOrder(node.index);
    this.derived = null;
  }

  /**
   * The node of a record whose parents (`parents`, from parentsOf) are all in, added to the causal index (the
   * next position). `tentative`: nodes of a dry run before this one, which the heads do not list but a record
   * taken in would have to see.
   */
  private newNode(record: LedgerRecord, tentative: readonly LedgerNode[], parents: readonly number[]): LedgerNode {
    const index = this.index;
    const signed = record.record;
    let height = 0;
    let time = signed.time;
    for (const parent of parents) {
      height = Math.max(height, index.heightOf(parent) + 1);
      time = Math.max(time, index.timeOf(parent));
    }
    const position = index.causal.add(parents);
    let sawEverything = true;
    for (const head of index.heads) {
      if (!index.causal.inPast(head, position)) {
        sawEverything = false;
        break;
      }
    }
    if (tentative.length > 0 && tentative.some((earlier) => !index.causal.inPast(earlier.index, position))) sawEverything = false;
    const delegation = signed.device ? index.indexOfHash(signed.device.delegation) : -1;
    const node: LedgerNode = {
      index: position,
      id: record.id,
      author: record.author,
      kind: signed.kind,
      device: signed.device ? index.deviceHex(signed.device.key) : null,
      height,
      time,
      sawEverything,
      delegation,
      verdict: notJudged,
    };
    return node;
  }

  private insertInOrder(position: number): void {
    const order = this.order;
    const index = this.index;
    let high = order.length - 1;
    if (high < 0 || index.compare(order[high]!, position) < 0) {
      order.push(position);
      return;
    }
    // A new record sorts near the end (its height is close to the newest ones'): gallop back from the end, so
    // that the search reads recent entries, not the middle of a long order.
    let low = 0;
    for (let step = 1; high - step >= 0; step *= 2) {
      if (index.compare(order[high - step]!, position) < 0) {
        low = high - step + 1;
        break;
      }
      high -= step;
    }
    // Now order[high] sorts after the record and everything before `low` before it.
    while (low < high) {
      const middle = (low + high) >> 1;
      if (index.compare(order[middle]!, position) < 0) low = middle + 1;
      else high = middle;
    }
    order.splice(low, 0, position);
  }
}

/**
 * Ids of the record's parents that the index does not hold, found by hash: its deps, then its device delegation
 * (a device-signed record's delegation is part of its causal past).
 */
function missingParentIds(index: LedgerIndex, record: LedgerRecord): string[] {
  const missing: string[] = [];
  for (const dep of record.record.deps) if (index.indexOfHash(dep) < 0) missing.push(recordIdFromHash(dep));
  const device = record.record.device;
  if (device && index.indexOfHash(device.delegation) < 0) {
    const delegation = recordIdFromHash(device.delegation);
    if (!missing.includes(delegation)) missing.push(delegation);
  }
  return missing;
}
