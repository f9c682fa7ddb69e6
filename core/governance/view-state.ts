// The governance state (members, shares, rules, reputation, exits) as seen from a view: the genesis state with
// the view's executed proposals and rage quits applied in time order. Executions happen at their finalization
// time plus the grace period, rage quits at their record's time, so a rage quit during a grace period comes
// before the execution it escapes.
import { exitMember, genesisState, type GovernanceState } from './governance-state.ts';
import type { LedgerIndex, ProposalInfo, View } from './ledger-index.ts';

export type GovernanceEvent =
  | { readonly type: 'execute'; readonly proposal: ProposalInfo; readonly time: number }
  | { readonly type: 'ragequit'; readonly index: number; readonly time: number };

/** What applying the events did: failures (with the sentence why) and when each proposal executed. */
export type ReplayLog = { readonly failed: Map<ProposalInfo, string>; readonly executed: Map<ProposalInfo, number> };

const cacheLimit = 512;

export class ViewStates {
  private readonly index: LedgerIndex;
  private readonly cache = new Map<string, GovernanceState>();
  private initial: GovernanceState | null = null;
  /** Every executable event of everything held, in order; where each anchor sits; states after each prefix. */
  private readonly all: GovernanceEvent[] = [];
  private readonly positions = new Map<ProposalInfo | number, number>();
  private prefixes: GovernanceState[] = [];
  /** How many of the index's event changes `all` reflects. */
  private synced = 0;
  /** States of nearly-everything views by the events they replay on top of a prefix (forgotten with the prefixes). */
  private readonly nearly = new Map<string, GovernanceState>();
  /**
   * The state last computed for the newest record's view, while no event changed; `marks` and `until` (the
   * first time at which it could differ) let the record written right on top of it take it as well.
   */
  private newest: { at: number; time: number; changes: number; marks: number; until: number; state: GovernanceState } | null = null;
  /** Set by stateOfNearlyAll: the earliest time after the view's at which its answer could change. */
  private nearlyUntil = Number.MAX_SAFE_INTEGER;

  constructor(index: LedgerIndex) {
    this.index = index;
  }

  genesisState(): GovernanceState {
    if (!this.initial) {
      const genesis = this.index.node(this.index.genesis);
      if (!genesis.verdict.ok || genesis.verdict.data.kind !== 'dao.genesis') throw new Error('no valid genesis');
      const body = genesis.verdict.data.genesis;
      this.initial = genesisState(body.founders, body.rules, genesis.time);
    }
    return this.initial;
  }

  eventsIn(view: View): GovernanceEvent[] {
    const index = this.index;
    const events: GovernanceEvent[] = [];
    for (const proposal of index.passed) {
      if (!index.executedIn(proposal, view)) continue;
      events.push({ type: 'execute', proposal, time: index.readyAt(proposal, view)! });
    }
    for (const author of index.ragequits.keys()) {
      for (const record of index.ragequitsIn(author, view)) events.push({ type: 'ragequit', index: record, time: index.node(record).time });
    }
    return events.sort((a, b) => this.compareEvents(a, b));
  }

  stateIn(view: View): GovernanceState {
    // Most records were written on top of everything their peer held: their view is everything held now,
    // and its events are a prefix (by time) of all events. Records that had not seen a few concurrent ones
    // differ from that only after the first event anchored in those. Others take the long way.
    const index = this.index;
    if (view.at < 0 || (view.at === index.size - 1 && index.node(view.at).sawEverything)) return this.prefixState(this.eventsUpTo(view.time));
    if (view.at === index.size - 1) {
      // The newest record's intake asks several times (its verdict, then each proposal it may finalize).
      const last = this.newest;
      if (last && last.at === view.at && last.time === view.time && last.changes === index.eventChanges.length) return last.state;
      // The next record of an envelope: it saw one record more than the last, and nothing changed since; it
      // misses the same marked records, so only its time can make a difference, and that is before `until`.
      // Unless that one record is itself an event in this view though not for everything held (a rage quit
      // that a concurrent one outranks; a signature that finalizes here, with an equivocation seen elsewhere):
      // then nothing marks the difference.
      if (
        last &&
        last.changes === index.eventChanges.length &&
        last.marks === index.causal.markVersion &&
        view.time < last.until &&
        !mayAnchorEvent(index.node(last.at).kind) &&
        index.causal.extendsOnly(view.at, last.at)
      ) {
        this.newest = { ...last, at: view.at, time: view.time };
        return last.state;
      }
      const state = this.stateOfNearlyAll(view);
      this.newest = { at: view.at, time: view.time, changes: index.eventChanges.length, marks: index.causal.markVersion, until: this.nearlyUntil, state };
      return state;
    }
    const events = this.eventsIn(view);
    const signature = events.map((event) => (event.type === 'execute' ? `${event.proposal.index}@${event.time}` : `q${event.index}`)).join(' ');
    const cached = this.cache.get(signature);
    if (cached) return cached;
    const state = this.replay(events);
    if (this.cache.size >= cacheLimit) this.cache.clear();
    this.cache.set(signature, state);
    return state;
  }

  /** Forgets what it keeps for record `at`'s view: a dry run judged a record there that was not kept (DaoLedger.dryRun). */
  forget(at: number): void {
    if (this.newest?.at === at) this.newest = null;
  }

  replay(events: readonly GovernanceEvent[], log?: ReplayLog): GovernanceState {
    let state = this.genesisState();
    for (const event of events) state = this.apply(state, event, log);
    return state;
  }

  private apply(state: GovernanceState, event: GovernanceEvent, log?: ReplayLog): GovernanceState {
    if (event.type === 'execute') {
      const { proposal } = event;
      const result = proposal.spec.execute(state, proposal.params, { proposal: proposal.id, at: event.time });
      log?.executed.set(proposal, event.time);
      if ('failed' in result) {
        log?.failed.set(proposal, result.failed);
        return state;
      }
      return result.state;
    }
    const record = this.index.node(event.index);
    const result = exitMember(state, record.author, 'ragequit', record.id, event.time);
    // Only counted rage quits are replayed (ragequitsIn); one may still find the member gone (removed first).
    return 'failed' in result ? state : result.state;
  }

  /**
   * The newest record's view when it had not seen some records (written concurrently): all events, except
   * those anchored only in the unseen records (their rage quits, finalizations), replayed from the last
   * prefix state before the first event that differs.
   */
  private stateOfNearlyAll(view: View): GovernanceState {
    const index = this.index;
    const end = this.eventsUpTo(view.time);
    // Later views differ from this one once they reach the next event, or an unseen proposal's execution.
    this.nearlyUntil = end < this.all.length ? this.all[end]!.time : Number.MAX_SAFE_INTEGER;
    const unseen = index.unseenChanges(view.at);
    // The usual case for a record written concurrently with votes: it missed nothing that changes a view.
    if (unseen.length === 0) return this.prefixState(end);
    const affected = new Set<ProposalInfo | number>();
    const leavers = new Set<string>();
    for (const record of unseen) {
      for (const proposal of index.finalizedAt.get(record) ?? []) affected.add(proposal);
      const node = index.node(record);
      if (node.verdict.ok && node.verdict.data.kind === 'member.ragequit') leavers.add(node.author);
    }
    // A member whose counted rage quit the view had not seen: the view's own counted ones (maybe another of
    // their concurrent rage quits, maybe none) take the place of everything's.
    const own: GovernanceEvent[] = [];
    for (const author of leavers) {
      for (const record of index.exits.get(author) ?? []) affected.add(record);
      for (const record of index.ragequitsIn(author, view)) own.push({ type: 'ragequit', index: record, time: index.node(record).time });
    }
    if (affected.size === 0) return this.prefixState(end);
    let first = end;
    for (const item of affected) first = Math.min(first, this.positions.get(item) ?? end);
    for (const event of own) first = Math.min(first, this.placeOf(event));
    // From `first` on, recompute which events the view holds and when, as eventsIn does.
    const rest: GovernanceEvent[] = [];
    for (let position = first; position < this.all.length; position++) {
      const event = this.all[position]!;
      if (event.time <= view.time && !affected.has(event.type === 'execute' ? event.proposal : event.index)) rest.push(event);
    }
    rest.push(...own);
    for (const item of affected) {
      // Only a passed finalization can execute it (the cheap test first: most affected proposals were rejected).
      if (typeof item === 'number' || !item.finalizations.some(isPassed)) continue;
      const ready = index.readyAt(item, view);
      if (ready !== null && ready > view.time) this.nearlyUntil = Math.min(this.nearlyUntil, ready);
      if (!index.executedIn(item, view)) continue;
      rest.push({ type: 'execute', proposal: item, time: ready! });
    }
    // Nothing to replay: the prefix state itself (which the cache below would give too).
    if (rest.length === 0) return this.prefixState(first);
    rest.sort((a, b) => this.compareEvents(a, b));
    // Records written concurrently see the same few differences over and over: replay each list once.
    const signature = `${first}:${rest.map((event) => (event.type === 'execute' ? `${event.proposal.index}@${event.time}` : `q${event.index}`)).join(' ')}`;
    const cached = this.nearly.get(signature);
    if (cached) return cached;
    let state = this.prefixState(first);
    for (const event of rest) state = this.apply(state, event);
    if (this.nearly.size >= cacheLimit) this.nearly.clear();
    this.nearly.set(signature, state);
    return state;
  }

  /** How many of all events (in order) happen at or before `time`, after bringing `all` up to date. */
  private eventsUpTo(time: number): number {
    this.sync();
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.all[middle]!.time <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Moves each changed anchor's event to its new place (or out), and forgets prefix states from there on. */
  private sync(): void {
    const changes = this.index.eventChanges;
    if (this.synced === changes.length) return;
    const everything: View = { at: -1, time: Number.MAX_SAFE_INTEGER };
    if (this.all.length === 0) {
      // Nothing to move: sort once (a fold imported from a snapshot brings all its events at once).
      for (const item of new Set(changes.slice(this.synced))) {
        const event = this.eventOf(item, everything);
        if (event) this.all.push(event);
      }
      this.all.sort((a, b) => this.compareEvents(a, b));
      this.reindex(0);
      this.synced = changes.length;
      this.prefixes.length = Math.min(this.prefixes.length, 1);
      this.nearly.clear();
      return;
    }
    let lowest = this.all.length;
    for (const item of new Set(changes.slice(this.synced))) {
      const old = this.positions.get(item);
      if (old !== undefined) {
        this.all.splice(old, 1);
        // A rage quit may stop counting, and count again later (ragequitsIn): no stale place.
        this.positions.delete(item);
        lowest = Math.min(lowest, old);
        this.reindex(old);
      }
      const event = this.eventOf(item, everything);
      if (!event) continue;
      const low = this.placeOf(event);
      this.all.splice(low, 0, event);
      lowest = Math.min(lowest, low);
      this.reindex(low);
    }
    this.synced = changes.length;
    this.prefixes.length = Math.min(this.prefixes.length, lowest + 1);
    // Keyed by positions in `all`, which may have moved.
    this.nearly.clear();
  }

  /** Where `event` goes in `all` (the first position whose event does not sort before it). */
  private placeOf(event: GovernanceEvent): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.compareEvents(this.all[middle]!, event) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The event of an anchor as everything held decides it: its rage quit if it counts, or its execution; null if none. */
  private eventOf(item: ProposalInfo | number, everything: View): GovernanceEvent | null {
    const index = this.index;
    if (typeof item === 'number') return index.countsForEverything(item) ? { type: 'ragequit', index: item, time: index.node(item).time } : null;
    return index.executedIn(item, everything) ? { type: 'execute', proposal: item, time: index.readyAt(item, everything)! } : null;
  }

  private reindex(from: number): void {
    for (let position = from; position < this.all.length; position++) this.positions.set(anchorItem(this.all[position]!), position);
  }

  private prefixState(count: number): GovernanceState {
    if (this.prefixes.length === 0) this.prefixes.push(this.genesisState());
    while (this.prefixes.length <= count) this.prefixes.push(this.apply(this.prefixes.at(-1)!, this.all[this.prefixes.length - 1]!));
    return this.prefixes[count]!;
  }

  private compareEvents(a: GovernanceEvent, b: GovernanceEvent): number {
    return a.time - b.time || this.index.compare(anchor(a), anchor(b));
  }
}

function isPassed(finalization: { readonly outcome: string }): boolean {
  return finalization.outcome === 'passed';
}

function anchor(event: GovernanceEvent): number {
  return event.type === 'execute' ? event.proposal.index : event.index;
}

function anchorItem(event: GovernanceEvent): ProposalInfo | number {
  return event.type === 'execute' ? event.proposal : event.index;
}

/** Kinds of record that can make an event (a rage quit, a finalization) in the views that hold them. */
function mayAnchorEvent(kind: string): boolean {
  return kind === 'member.ragequit' || kind === 'tally.sign';
}
