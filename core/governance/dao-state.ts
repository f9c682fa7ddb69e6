// The state the UI shows and the state hash peers compare, derived from the fold's indexes as seen from
// everything this peer holds. Only countdown-like facts depend on `now` (open vs voting-closed, reputation
// decay); those are applied last and are not part of the state hash.
import * as dagCbor from '@ipld/dag-cbor';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Exit, GovernanceState } from './governance-state.ts';
import type { Finalization, LedgerIndex, ProposalInfo, View } from './ledger-index.ts';
import { reasons } from './reasons.ts';
import { memberReputation } from './reputation.ts';
import { effectiveThreshold, type Rules, type VotingMode } from './rules.ts';
import { tally, type Ballot, type Choice, type Tally } from './tally.ts';
import type { ReplayLog, ViewStates } from './view-state.ts';

export type ProposalStatus = 'open' | 'voting-closed' | 'passed' | 'rejected' | 'executed' | 'failed' | 'withdrawn';

export type CastVote = { readonly record: string; readonly voter: string; readonly choice: Choice; readonly votes: number; readonly time: number };

export type SignedCertificate = { readonly votes: readonly string[]; readonly outcome: 'passed' | 'rejected'; readonly signers: readonly string[] };

export type ProposalView = {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly author: string;
  /** Typed params, as the proposal kind's schema gives them. */
  readonly params: unknown;
  readonly createdAt: number;
  readonly votingEndsAt: number;
  /** When a passed proposal executes (final certificate's time + grace period); null until it has passed. */
  readonly executesAt: number | null;
  readonly status: ProposalStatus;
  /** Why a passed proposal's effect could not apply (status 'failed'). */
  readonly failure: string | null;
  readonly votingMode: VotingMode;
  readonly electorate: readonly string[];
  /** The votes that count: the final certificate's, or until then each member's latest valid vote. */
  readonly votes: readonly CastVote[];
  readonly tally: Tally;
  readonly certificate: (SignedCertificate & { readonly finalizedBy: string; readonly finalizedAt: number }) | null;
  /** Every certificate signed so far, with its signers: "2 of 3 have signed". */
  readonly signatures: readonly SignedCertificate[];
};

export type MemberView = { readonly address: string; readonly shares: bigint; readonly reputation: bigint; readonly since: number };

export type ExitView = Exit & {
  /** Passed proposals whose grace period this rage quit fell in and that the member had voted against. */
  readonly duringGraceOf: readonly string[];
};

export type EvidenceEntry = { readonly record: string; readonly kind: string; readonly author: string; readonly reason: string };

export type DaoState = {
  readonly daoId: string;
  /** False until the genesis record is in. */
  readonly ready: boolean;
  readonly name: string;
  readonly charter: string;
  readonly founders: readonly string[];
  readonly rules: Rules | null;
  readonly members: readonly MemberView[];
  readonly totalShares: bigint;
  /** Members ≥ cap − 2: time to suggest a sub-DAO or an alliance instead of growth. */
  readonly nearCap: boolean;
  /** Signatures a tally certificate needs with today's members. */
  readonly signatureThreshold: number;
  readonly proposals: readonly ProposalView[];
  readonly exits: readonly ExitView[];
  /**
   * The records the fold ignored, with why, in canonical order. Made when first read: a DAO of 100k records
   * keeps ~70,000 (superseded votes), so what needs only some reads evidenceCount and evidencePage.
   */
  readonly evidence: readonly EvidenceEntry[];
  readonly evidenceCount: number;
  /** `limit` entries of `evidence` from `offset`, made without the others. */
  evidencePage(offset: number, limit: number): EvidenceEntry[];
  /** DAG heads in canonical order: deps for the next record. */
  readonly heads: readonly string[];
  readonly records: number;
  readonly stateHash: string;
};

export type DerivedState = {
  readonly stateHash: string;
  at(now: number): DaoState;
};

/**
 * What a proposal's view, evidence and hash rest on beyond its record, the index and the replay: the costly part
 * of its entry (whether records stand, each member's latest vote, who signed what), worked out by `factsOf`.
 * Fold snapshots keep them (proposal-facts-snapshot.ts), so a host opening a DAO builds the views without working them out again.
 */
export type ProposalFacts = {
  readonly status: Exclude<ProposalStatus, 'voting-closed'>;
  /** The counted votes' records, in the order the view lists them. */
  readonly counted: readonly number[];
  /** Per certificate signed so far (in canonical order of their first signature): that signature and the sorted signers. */
  readonly certificates: ReadonlyArray<{ readonly first: number; readonly signers: readonly string[] }>;
  /** The proposal's own records (itself, votes, signatures, withdrawals) that are evidence, with the reason. */
  readonly evidence: ReadonlyArray<readonly [position: number, reason: string]>;
  /** Its share of the state hash. */
  readonly hash: Uint8Array;
};

/** A proposal's facts as a snapshot keeps them: `key` is the cache key without the standing version (see proposalKey). */
export type SavedFacts = { readonly proposal: ProposalInfo; readonly key: string; readonly facts: ProposalFacts };

/** `view`: made from the facts when first needed (not for a proposal restored from a snapshot until then). */
type CachedProposal = { key: string; facts: ProposalFacts; view: ProposalView | null };

/** Evidence records and their reasons, side by side. */
type Positioned = { positions: number[]; reasons: string[] };

/**
 * Derives the state from the fold's indexes. Per proposal, its view, the evidence about its votes, signatures
 * and withdrawals, and its share of the state hash are kept until something they depend on changes, so a new
 * record costs about one comparison per proposal rather than a walk of every record.
 */
export class StateDeriver {
  private readonly index: LedgerIndex;
  private readonly views: ViewStates;
  private readonly proposals = new Map<ProposalInfo, CachedProposal>();

  private readonly order: readonly number[];

  /** `order`: every record's index in canonical order, kept by the ledger (it sorts the evidence without comparisons). */
  constructor(index: LedgerIndex, views: ViewStates, order: readonly number[]) {
    this.index = index;
    this.views = views;
    this.order = order;
  }

  /**
   * Every proposal's facts as of the last derive, for a snapshot: call right after derive(), with nothing added
   * in between, or some keys are stale (they then miss, and the facts are worked out again).
   */
  savedFacts(): SavedFacts[] {
    const standing = `${this.index.standingVersion}|`;
    const saved: SavedFacts[] = [];
    for (const [proposal, cached] of this.proposals) {
      if (cached.key.startsWith(standing)) saved.push({ proposal, key: cached.key.slice(standing.length), facts: cached.facts });
    }
    return saved;
  }

  /** Takes back savedFacts' entries for the same fold (importFold): they count as worked out under today's standing version. */
  restoreFacts(saved: readonly SavedFacts[]): void {
    for (const { proposal, key, facts } of saved) this.proposals.set(proposal, { key: `${this.index.standingVersion}|${key}`, facts, view: null });
  }

  derive(): DerivedState {
    const index = this.index;
    const heads = [...index.heads].sort((a, b) => index.compare(a, b));
    const headIds = heads.map((head) => index.idOf(head));
    let time = 0;
    for (const head of heads) time = Math.max(time, index.timeOf(head));
    const everything: View = { at: -1, time };
    const positioned: Positioned = { positions: [], reasons: [] };
    const add = (position: number, reason: string): void => {
      positioned.positions.push(position);
      positioned.reasons.push(reason);
    };
    for (const position of index.invalid) add(position, (index.node(position).verdict as { reason: string }).reason);
    for (const position of index.deviceRecords) {
      const standing = index.standing(position, everything);
      if (standing) add(position, standing);
    }
    for (const ragequits of index.ragequits.values()) {
      if (ragequits.length === 1) continue;
      for (const position of ragequits) if (!index.countsForEverything(position)) add(position, reasons.concurrentRagequit);
    }
    if (index.genesis < 0) return notReady(index, headIds, evidenceInOrder(index, this.order, positioned));

    const log: ReplayLog = { failed: new Map(), executed: new Map() };
    const governance = this.views.replay(this.views.eventsIn(everything), log);
    const proposals = [...index.proposals.values()].sort((a, b) => index.compare(a.index, b.index));
    const views: ProposalView[] = [];
    const hashes: Uint8Array[] = [];
    for (const proposal of proposals) {
      const cached = this.proposal(proposal, everything, log);
      views.push((cached.view ??= viewFrom(index, proposal, cached.facts, everything, log)));
      hashes.push(cached.facts.hash);
      for (const [position, reason] of cached.facts.evidence) add(position, reason);
    }
    const { evidence, hashed } = evidenceInOrder(index, this.order, positioned);
    const exits = governance.exits.map((exit) => ({ ...exit, duringGraceOf: graceOf(index, exit, everything) }));
    const genesisVerdict = index.node(index.genesis).verdict;
    const genesis = genesisVerdict.ok && genesisVerdict.data.kind === 'dao.genesis' ? genesisVerdict.data.genesis : null;
    const stateHash = hashState(index.daoId, governance, hashes, exits, hashed);
    const members = [...governance.members.values()].sort((a, b) => (a.address < b.address ? -1 : 1));
    let totalShares = 0n;
    for (const member of members) totalShares += member.shares;

    return {
      stateHash,
      at(now: number): DaoState {
        const state: Omit<DaoState, 'evidence' | 'evidenceCount' | 'evidencePage'> = {
          daoId: index.daoId,
          ready: true,
          name: genesis?.name ?? '',
          charter: genesis?.charter ?? '',
          founders: genesis?.founders ?? [],
          rules: governance.rules,
          members: members.map((member) => ({ ...member, reputation: memberReputation(governance, member.address, now) })),
          totalShares,
          nearCap: members.length >= governance.rules.memberCap - 2,
          signatureThreshold: effectiveThreshold(governance.rules, members.length),
          proposals: views.map((proposal) => (proposal.status === 'open' && now >= proposal.votingEndsAt ? { ...proposal, status: 'voting-closed' } : proposal)),
          exits,
          heads: headIds,
          records: index.size,
          stateHash,
        };
        return withEvidence(state, evidence);
      },
    };
  }

  private proposal(proposal: ProposalInfo, everything: View, log: ReplayLog): CachedProposal {
    const key = `${this.index.standingVersion}|${proposalKey(proposal, log)}`;
    const cached = this.proposals.get(proposal);
    if (cached && cached.key === key) return cached;
    const { facts, view } = factsOf(this.index, proposal, everything, log);
    const fresh = { key, facts, view };
    this.proposals.set(proposal, fresh);
    return fresh;
  }
}

/** What a proposal's facts depend on besides the index's standing version: they are worked out again when it changes. */
function proposalKey(proposal: ProposalInfo, log: ReplayLog): string {
  return [
    proposal.votes.length,
    proposal.signatures.length,
    proposal.withdrawals.length,
    proposal.finalizations.length,
    log.executed.get(proposal) ?? '',
    log.failed.get(proposal) ?? '',
  ].join('|');
}

/** Works out the proposal's facts, and its view on the way (for its hash). */
function factsOf(index: LedgerIndex, proposal: ProposalInfo, everything: View, log: ReplayLog): { facts: ProposalFacts; view: ProposalView } {
  const final = index.finalIn(proposal, everything);
  let status: ProposalFacts['status'];
  if (final) {
    status = final.outcome === 'rejected' ? 'rejected' : log.executed.has(proposal) ? (log.failed.has(proposal) ? 'failed' : 'executed') : 'passed';
  } else if (proposal.withdrawals.length > 0 || index.standing(proposal.index, everything) !== null) {
    status = 'withdrawn';
  } else {
    status = 'open';
  }
  const evidence: Array<[number, string]> = [];
  const memo: ProposalMemo = {};
  for (const position of [proposal.index, ...proposal.votes, ...proposal.signatures, ...proposal.withdrawals]) {
    const reason = evidenceReason(index, position, everything, memo);
    if (reason) evidence.push([position, reason]);
  }
  const certificates = certificatesSigned(index, proposal, everything);
  const partial = { status, counted: countedVotes(index, proposal, everything), certificates, evidence };
  const view = viewFrom(index, proposal, { ...partial, hash: new Uint8Array(0) }, everything, log);
  const entry = [
    view.id,
    view.status,
    view.certificate ? [view.certificate.finalizedBy, view.certificate.outcome, [...view.certificate.votes]] : null,
    view.executesAt,
    view.failure,
    view.votes.map((vote) => vote.record),
  ];
  return { facts: { ...partial, hash: sha256(dagCbor.encode(entry)) }, view };
}

function evidenceEntry(index: LedgerIndex, position: number, reason: string): EvidenceEntry {
  // Read without making nodes: most of a large DAO's evidence is votes their members changed, taken back from a snapshot unmade.
  return { record: index.idOf(position), kind: index.kindOf(position), author: index.authorOf(position), reason };
}

/**
 * What the state hash takes of the evidence: the reasons, each once, and per entry in canonical order its
 * record's hash (32 bytes) then its reason's place among them (4 bytes, big-endian), back to back in one byte
 * string. Not a list of id strings: a DAO whose members change their votes holds evidence for most of its
 * records, and encoding 70,000 ids cost ~0.2 s at each new state.
 */
type HashedEvidence = readonly [reasons: readonly string[], records: Uint8Array];

/**
 * The evidence in canonical order, and what the state hash takes of it. Sorted by each record's place in `order`
 * (a counting sort, stable as the comparison sort it replaces): 70,000 entries took ~80 ms through compare().
 */
function evidenceInOrder(index: LedgerIndex, order: readonly number[], unsorted: Positioned): { evidence: EvidenceInOrder; hashed: HashedEvidence } {
  if (order.length !== index.size) throw new Error('the canonical order does not hold every record');
  const rank = new Int32Array(order.length);
  for (let at = 0; at < order.length; at++) rank[order[at]!] = at;
  const starts = new Int32Array(order.length + 1);
  const count = unsorted.positions.length;
  for (let at = 0; at < count; at++) starts[rank[unsorted.positions[at]!]! + 1]!++;
  for (let at = 1; at <= order.length; at++) starts[at]! += starts[at - 1]!;
  const positions = new Int32Array(count);
  const reasonsInOrder = new Array<string>(count);
  for (let at = 0; at < count; at++) {
    const position = unsorted.positions[at]!;
    const place = starts[rank[position]!]!++;
    positions[place] = position;
    reasonsInOrder[place] = unsorted.reasons[at]!;
  }
  const hashes = index.hashBytes();
  const reasonsSeen = new Map<string, number>();
  const records = new Uint8Array(36 * count);
  const view = new DataView(records.buffer);
  for (let i = 0; i < count; i++) {
    const reasonText = reasonsInOrder[i]!;
    let reason = reasonsSeen.get(reasonText);
    if (reason === undefined) reasonsSeen.set(reasonText, (reason = reasonsSeen.size));
    for (let from = 32 * positions[i]!, to = 36 * i, end = from + 32; from < end; from++, to++) records[to] = hashes[from]!;
    view.setUint32(36 * i + 32, reason);
  }
  return { evidence: new EvidenceInOrder(index, positions, reasonsInOrder), hashed: [[...reasonsSeen.keys()], records] };
}

/**
 * The evidence in canonical order as record positions and reasons; entries (with the record's id, kind and author)
 * are made when asked for. Positions are stable and what they name never changes, so they can be made later.
 */
class EvidenceInOrder {
  readonly #index: LedgerIndex;
  readonly #positions: Int32Array;
  readonly #reasons: readonly string[];
  #all: EvidenceEntry[] | null = null;

  constructor(index: LedgerIndex, positions: Int32Array, reasons: readonly string[]) {
    this.#index = index;
    this.#positions = positions;
    this.#reasons = reasons;
  }

  get count(): number {
    return this.#positions.length;
  }

  page(offset: number, limit: number): EvidenceEntry[] {
    const from = Math.min(Math.max(0, Math.trunc(offset)), this.count);
    const to = Math.min(this.count, from + Math.max(0, Math.trunc(limit)));
    if (this.#all !== null) return this.#all.slice(from, to);
    const entries: EvidenceEntry[] = [];
    for (let at = from; at < to; at++) entries.push(evidenceEntry(this.#index, this.#positions[at]!, this.#reasons[at]!));
    return entries;
  }

  all(): EvidenceEntry[] {
    return (this.#all ??= this.page(0, this.count));
  }
}

/**
 * `state` with its evidence fields: `evidence` made when first read, and `evidencePage`, which is not enumerable,
 * so that states still compare (and print) by their data alone.
 */
function withEvidence(state: Omit<DaoState, 'evidence' | 'evidenceCount' | 'evidencePage'>, evidence: EvidenceInOrder): DaoState {
  return Object.defineProperties(state, {
    evidence: { get: () => evidence.all(), enumerable: true },
    evidenceCount: { value: evidence.count, enumerable: true },
    evidencePage: { value: (offset: number, limit: number) => evidence.page(offset, limit), enumerable: false },
  }) as DaoState;
}

function notReady(index: LedgerIndex, heads: string[], { evidence, hashed }: { evidence: EvidenceInOrder; hashed: HashedEvidence }): DerivedState {
  const stateHash = bytesToHex(sha256(dagCbor.encode({ dao: index.daoId, evidence: hashed })));
  return {
    stateHash,
    at: () =>
      withEvidence(
        {
      daoId: index.daoId,
      ready: false,
      name: '',
      charter: '',
      founders: [],
      rules: null,
      members: [],
      totalShares: 0n,
      nearCap: false,
      signatureThreshold: 1,
      proposals: [],
      exits: [],
      heads,
      records: index.size,
      stateHash,
        },
        evidence,
      ),
  };
}

/** The proposal's view from its facts: what is left to do is cheap (look-ups, the tally of a dozen ballots). */
function viewFrom(index: LedgerIndex, proposal: ProposalInfo, facts: ProposalFacts, everything: View, log: ReplayLog): ProposalView {
  const final = index.finalIn(proposal, everything);
  const votes = facts.counted.map((vote) => {
    const info = index.voteInfo(vote);
    const node = index.node(vote);
    return { record: node.id, voter: info.voter, choice: info.choice, votes: info.votes, time: node.time };
  });
  const ballots: Ballot[] = votes.map((vote) => ({ voter: vote.voter, choice: vote.choice, votes: vote.votes }));
  const signatures = facts.certificates.map(({ first, signers }) => {
    const info = index.signatureInfo(first);
    return { key: info.certificate, votes: info.votes.map((vote) => index.idOf(vote)), outcome: info.outcome, signers: [...signers] };
  });
  const finalSigned = final ? signatures.find((entry) => entry.key === final.certificate) : undefined;
  return {
    id: proposal.id,
    kind: proposal.kind,
    title: proposal.title,
    author: proposal.author,
    params: proposal.params,
    createdAt: proposal.createdAt,
    votingEndsAt: proposal.deadline,
    executesAt: final?.outcome === 'passed' ? index.readyAt(proposal, everything) : null,
    status: facts.status,
    failure: log.failed.get(proposal) ?? null,
    votingMode: proposal.mode,
    electorate: proposal.electorate.members,
    votes,
    tally: tally(proposal.mode, proposal.electorate, ballots),
    certificate:
      final && finalSigned
        ? { votes: finalSigned.votes, outcome: final.outcome, signers: finalSigned.signers, finalizedBy: index.idOf(final.at), finalizedAt: final.time }
        : null,
    signatures: signatures.map(({ votes, outcome, signers }) => ({ votes, outcome, signers })),
  };
}

/** The final certificate's votes; before that, each member's latest vote that still counts. */
function countedVotes(index: LedgerIndex, proposal: ProposalInfo, everything: View): number[] {
  const final = index.finalIn(proposal, everything);
  if (final) {
    const signature = proposal.signatures.find((candidate) => index.signatureInfo(candidate).certificate === final.certificate)!;
    return [...index.signatureInfo(signature).votes];
  }
  const counted: number[] = [];
  for (const voter of proposal.electorate.members) {
    const latest = index.latestVote(proposal, voter, everything);
    if (latest !== undefined && index.standing(latest, everything) === null) counted.push(latest);
  }
  return counted;
}

/** Per certificate signed in the view, in canonical order of its first signature: that signature and the sorted signers. */
function certificatesSigned(index: LedgerIndex, proposal: ProposalInfo, view: View): ProposalFacts['certificates'] {
  const byKey = new Map<string, { first: number; signers: Set<string> }>();
  // Arrival order differs between peers; canonical order does not.
  for (const signature of [...proposal.signatures].sort((a, b) => index.compare(a, b))) {
    if (!index.inView(signature, view)) continue;
    const info = index.signatureInfo(signature);
    const entry = byKey.get(info.certificate) ?? { first: signature, signers: new Set<string>() };
    entry.signers.add(info.signer);
    byKey.set(info.certificate, entry);
  }
  return [...byKey.values()].map((entry) => ({ first: entry.first, signers: [...entry.signers].sort() }));
}

/** Rage quits that fell between a final pass and its execution, of proposals the member voted no on. */
function graceOf(index: LedgerIndex, exit: Exit, everything: View): string[] {
  if (exit.reason !== 'ragequit') return [];
  const during: string[] = [];
  for (const proposal of [...index.passed].sort((a, b) => index.compare(a.index, b.index))) {
    const final = index.finalIn(proposal, everything);
    const ready = index.readyAt(proposal, everything);
    if (!final || final.outcome !== 'passed' || ready === null) continue;
    const passedAt = ready - proposal.graceMs;
    if (exit.at < passedAt || exit.at >= ready) continue;
    const votedNo = countedVotes(index, proposal, everything).some((vote) => {
      const info = index.voteInfo(vote);
      return info.voter === exit.member && info.choice === 'no';
    });
    if (votedNo) during.push(proposal.id);
  }
  return during;
}

/**
 * What evidenceReason works out once per proposal rather than once per vote or signature (a proposal may have
 * thousands: a member may re-sign one certificate as often as they like, each time anchoring it again).
 */
type ProposalMemo = {
  final?: Finalization | null;
  latest?: Map<string, number>;
  counted?: number[];
  /** The certificates each signer signed, in everything held. */
  signed?: Map<string, Set<string>>;
  /** The same, in the view of the record that made the proposal final. */
  signedAtFinal?: Map<string, Set<string>>;
};

function finalOf(index: LedgerIndex, proposal: ProposalInfo, everything: View, memo: ProposalMemo): Finalization | null {
  if (memo.final === undefined) memo.final = index.finalIn(proposal, everything);
  return memo.final;
}

/** Each voter's latest vote in the view (canonical order), as latestVote gives it. */
function latestVotes(index: LedgerIndex, proposal: ProposalInfo, view: View): Map<string, number> {
  const latest = new Map<string, number>();
  for (const vote of proposal.votes) {
    if (!index.inView(vote, view)) continue;
    const voter = index.voteInfo(vote).voter;
    const current = latest.get(voter);
    if (current === undefined || index.compare(vote, current) > 0) latest.set(voter, vote);
  }
  return latest;
}

/** The certificates each signer signed for the proposal in the view: one pass, so each signature asks in O(1). */
function certificatesBySigner(index: LedgerIndex, proposal: ProposalInfo, view: View): Map<string, Set<string>> {
  const bySigner = new Map<string, Set<string>>();
  for (const signature of proposal.signatures) {
    if (!index.inView(signature, view)) continue;
    const info = index.signatureInfo(signature);
    const signed = bySigner.get(info.signer);
    if (signed) signed.add(info.certificate);
    else bySigner.set(info.signer, new Set([info.certificate]));
  }
  return bySigner;
}

function evidenceReason(index: LedgerIndex, position: number, everything: View, memo: ProposalMemo): string | null {
  const verdict = index.node(position).verdict;
  if (!verdict.ok) return verdict.reason;
  const data = verdict.data;
  const standing = index.standing(position, everything);
  if (standing) return standing;
  switch (data.kind) {
    case 'vote': {
      const { proposal, voter } = data.vote;
      const final = finalOf(index, proposal, everything, memo);
      if (!final) return (memo.latest ??= latestVotes(index, proposal, everything)).get(voter) === position ? null : reasons.superseded;
      const counted = (memo.counted ??= countedVotes(index, proposal, everything));
      if (counted.includes(position)) return null;
      const later = counted.find((vote) => index.voteInfo(vote).voter === voter && index.compare(vote, position) > 0);
      return later === undefined ? reasons.notCertified : reasons.superseded;
    }
    case 'tally.sign': {
      const { proposal, signer, certificate } = data.signature;
      const signed = (memo.signed ??= certificatesBySigner(index, proposal, everything)).get(signer);
      const equivocated = (signed?.size ?? 0) > 1;
      const final = finalOf(index, proposal, everything, memo);
      if (!final) return equivocated ? reasons.equivocation : null;
      if (certificate !== final.certificate) return equivocated ? reasons.equivocation : reasons.lostCertificate;
      if (!equivocated) return null;
      // Counted when the certificate became final only if the other signature was not yet in sight there.
      const atFinal = index.viewOf(final.at);
      if (!index.inView(position, atFinal)) return reasons.equivocation;
      const signedThere = (memo.signedAtFinal ??= certificatesBySigner(index, proposal, atFinal)).get(signer);
      return signedThere?.size === 1 ? null : reasons.equivocation;
    }
    case 'proposal.withdraw':
      return finalOf(index, data.proposal, everything, memo) ? reasons.withdrawalTooLate : null;
    default:
      return null;
  }
}

/**
 * sha256 over a canonical DAG-CBOR encoding (BigInts as decimal text: DAG-CBOR integers stop at 64 bits); each
 * proposal contributes the hash of its own entry (status, final certificate, execution, failure, counted votes).
 */
function hashState(daoId: string, governance: GovernanceState, proposals: readonly Uint8Array[], exits: readonly ExitView[], evidence: HashedEvidence): string {
  const canonical = {
    dao: daoId,
    rules: governance.rules,
    members: [...governance.members.values()].sort((a, b) => (a.address < b.address ? -1 : 1)).map((member) => [member.address, member.shares.toString(), member.since]),
    reputation: [...governance.reputation.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([member, grants]) => [member, grants.map((grant) => [grant.points.toString(), grant.at, grant.source])]),
    exits: exits.map((exit) => [exit.member, exit.reason, exit.shares.toString(), exit.totalShares.toString(), exit.claimBps, exit.source, exit.at, [...exit.duringGraceOf]]),
    proposals,
    evidence,
  };
  return bytesToHex(sha256(dagCbor.encode(canonical)));
}
