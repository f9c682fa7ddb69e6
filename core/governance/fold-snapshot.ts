// The fold's state as bytes, so a host opening a large DAO takes it back instead of judging every record again
// (DESIGN.md §4a: "the folded state plus the set of verified record hashes"). What is kept is what the fold
// derived — per record its hash, author, kind, height, effective time, verdict and causal vector; per proposal
// what it was judged to be; the heads and the canonical order — and nothing that can be rebuilt from those in
// one pass (per-proposal lists of votes and signatures, per-member indexes), nor any cache but one: each
// proposal's facts as the state last derived them (proposal-facts-snapshot.ts), which the first state needs
// and which cost a walk of every vote and signature to work out again.
//
// Format: DAG-CBOR of one map. Per-record (and per-proposal) columns are little-endian typed arrays in byte
// strings, which decode without a token per value; strings that repeat (authors, kinds, reasons, device keys,
// titles, certificates) are indexes into one table. ~12 MB at 100k records, most of it hashes and vectors. The bytes are this host's own, behind the snapshot store's checksum, but the
// importer still checks every index and length it follows, so a damaged or foreign snapshot is refused with
// an error (and the host refolds from the records) rather than turning into a wrong state or a crash.
// Records the fold was still waiting for are not in it: the host adds them again, as on any open.
import * as dagCbor from '@ipld/dag-cbor';
import { recordIdAt, type RecordBody } from '../ledger/record.ts';
import { CausalIndex } from './causal-index.ts';
import { certificateKey, LedgerIndex, type Finalization, type LedgerNode, type NodeData, type NodeSource, type ProposalInfo, type Verdict, type VoteInfo } from './ledger-index.ts';
import { decodeFacts, encodeFacts, type WireFacts } from './proposal-facts-snapshot.ts';
import type { ProposalKinds } from './proposal-kinds.ts';
import { genesisBodySchema } from './record-kinds.ts';
import { votingModeSchema } from './rules.ts';
import type { Choice } from './tally.ts';
import type { SavedFacts } from './dao-state.ts';
import { float64Bytes, float64s, int32Bytes, int32s, refuse, Strings } from './fold-columns.ts';

/**
 * The layout of the bytes. 3: the proposals' facts may be there (`facts`); 2: wide causal vectors may be written
 * as changes to an earlier one (`base`). 1 and 2 are read too.
 */
export const foldSnapshotFormat = 3;
/**
 * The fold's rules: bump it with any change that would judge a record differently, so that snapshots taken
 * by an older version are refolded from the records instead of being trusted.
 */
export const foldRulesVersion = 9; // 9: quadratic credit epochs are their length and number, exits clear reputation, members hold at most 10^15 points, delegations of small-order keys are evidence, a rules change is judged on the threshold it names; 8: thresholdBps 10000 is unanimity; 7: group.key records may commit to their key's whole SHA-256

/** Verdict codes, one byte per record. */
const verdictCodes = ['invalid', 'dao.genesis', 'device.delegate', 'device.revoke', 'proposal.create', 'proposal.withdraw', 'vote', 'tally.sign', 'member.ragequit', 'group.key', 'invite.revoke'] as const;
const choices: readonly Choice[] = ['yes', 'no', 'abstain'];
const outcomes = ['passed', 'rejected'] as const;

/** What DaoLedger hands over and takes back; `facts` when a state was derived from exactly this index. */
export type FoldParts = { readonly index: LedgerIndex; readonly order: number[]; readonly facts?: readonly SavedFacts[] };

/**
 * Proposals as columns too (thousands of small lists decode far slower than a few typed arrays): per proposal
 * its record, kind, title, voting mode (an index into `modes`), the lengths of its electorate, weights,
 * finalizations and params in the flat columns after them. Strings are indexes into the string table.
 */
type WireProposals = {
  index: Uint8Array;
  kind: Uint8Array;
  title: Uint8Array;
  mode: Uint8Array;
  deadline: Uint8Array;
  grace: Uint8Array;
  epoch: Uint8Array;
  members: Uint8Array;
  memberList: Uint8Array;
  weights: Uint8Array;
  weightList: Uint8Array;
  finals: Uint8Array;
  finalAt: Uint8Array;
  finalCertificate: Uint8Array;
  finalOutcome: Uint8Array;
  finalTime: Uint8Array;
  params: Uint8Array;
  paramBytes: Uint8Array;
};

type WireFold = {
  v: number;
  rules: number;
  kinds: string[];
  dao: string;
  strings: string[];
  hash: Uint8Array;
  author: Uint8Array;
  kind: Uint8Array;
  device: Uint8Array;
  height: Uint8Array;
  time: Uint8Array;
  saw: Uint8Array;
  delegation: Uint8Array;
  verdict: Uint8Array;
  ref: Uint8Array;
  choice: Uint8Array;
  count: Uint8Array;
  listed: Uint8Array;
  chain: Uint8Array;
  position: Uint8Array;
  width: Uint8Array;
  /** How each vector is written (CausalParts.bases); absent when every one is in full. */
  base?: Uint8Array;
  vectors: Uint8Array;
  heads: Uint8Array;
  order: Uint8Array;
  genesis: RecordBody | null;
  proposals: WireProposals;
  modes: unknown[];
  passed: Uint8Array;
  facts?: WireFacts;
};

const notJudged: Verdict = { ok: false, reason: '' };

export function encodeFold(parts: FoldParts, kinds: ProposalKinds): Uint8Array {
  const { index, order } = parts;
  const count = index.size;
  const strings = new Strings();
  const author = new Int32Array(count);
  const kind = new Int32Array(count);
  const device = new Int32Array(count);
  const height = new Int32Array(count);
  const time = new Float64Array(count);
  const saw = new Uint8Array(count);
  const delegation = new Int32Array(count);
  const verdict = new Uint8Array(count);
  const ref = new Int32Array(count).fill(-1);
  const choice = new Int32Array(count);
  const tallied = new Int32Array(count);
  const listed: number[] = [];
  for (let at = 0; at < count; at++) {
    const node = index.nodeToRead(at);
    author[at] = strings.of(node.author);
    kind[at] = strings.of(node.kind);
    device[at] = node.device === null ? -1 : strings.of(node.device);
    height[at] = node.height;
    time[at] = node.time;
    saw[at] = node.sawEverything ? 1 : 0;
    delegation[at] = node.delegation;
    if (!node.verdict.ok) {
      verdict[at] = 0;
      ref[at] = strings.of(node.verdict.reason);
      continue;
    }
    const data = node.verdict.data;
    verdict[at] = verdictCodes.indexOf(data.kind);
    switch (data.kind) {
      case 'device.delegate':
      case 'device.revoke':
        ref[at] = strings.of(data.device);
        break;
      case 'proposal.withdraw':
        ref[at] = data.proposal.index;
        break;
      case 'vote':
        ref[at] = data.vote.proposal.index;
        choice[at] = choices.indexOf(data.vote.choice);
        tallied[at] = data.vote.votes;
        break;
      case 'tally.sign':
        ref[at] = data.signature.proposal.index;
        choice[at] = outcomes.indexOf(data.signature.outcome);
        tallied[at] = data.signature.votes.length;
        listed.push(...data.signature.votes);
        break;
      default:
        break;
    }
  }
  const causal = index.causal.parts();
  const genesis = index.genesis >= 0 ? index.node(index.genesis).verdict : null;
  const modes: unknown[] = [];
  const modeIndexes = new Map<string, number>();
  const columns = { index: [] as number[], kind: [] as number[], title: [] as number[], mode: [] as number[], members: [] as number[], memberList: [] as number[] };
  const more = { weights: [] as number[], weightList: [] as number[], finals: [] as number[], finalAt: [] as number[], finalCertificate: [] as number[], finalOutcome: [] as number[], params: [] as number[] };
  const times = { deadline: [] as number[], grace: [] as number[], epoch: [] as number[], finalTime: [] as number[] };
  const params: Uint8Array[] = [];
  for (const proposal of index.proposals.values()) {
    const modeKey = JSON.stringify(proposal.mode);
    let mode = modeIndexes.get(modeKey);
    if (mode === undefined) {
      mode = modes.length;
      modes.push(proposal.mode);
      modeIndexes.set(modeKey, mode);
    }
    columns.index.push(proposal.index);
    columns.kind.push(strings.of(proposal.kind));
    columns.title.push(strings.of(proposal.title));
    columns.mode.push(mode);
    columns.members.push(proposal.electorate.members.length);
    for (const member of proposal.electorate.members) columns.memberList.push(strings.of(member));
    more.weights.push(proposal.electorate.weights.size);
    for (const [member, weight] of proposal.electorate.weights) more.weightList.push(strings.of(member), strings.of(weight.toString()));
    more.finals.push(proposal.finalizations.length);
    for (const final of proposal.finalizations) {
      more.finalAt.push(final.at);
      more.finalCertificate.push(strings.of(final.certificate));
      more.finalOutcome.push(outcomes.indexOf(final.outcome));
      times.finalTime.push(final.time);
    }
    const encoded = dagCbor.encode(proposal.rawParams);
    more.params.push(encoded.length);
    params.push(encoded);
    times.deadline.push(proposal.deadline);
    times.grace.push(proposal.graceMs);
    times.epoch.push(proposal.epoch);
  }
  const paramBytes = new Uint8Array(more.params.reduce((sum, length) => sum + length, 0));
  let paramsAt = 0;
  for (const encoded of params) {
    paramBytes.set(encoded, paramsAt);
    paramsAt += encoded.length;
  }
  const proposals: WireProposals = {
    index: int32Bytes(columns.index),
    kind: int32Bytes(columns.kind),
    title: int32Bytes(columns.title),
    mode: int32Bytes(columns.mode),
    deadline: float64Bytes(times.deadline),
    grace: float64Bytes(times.grace),
    epoch: float64Bytes(times.epoch),
    members: int32Bytes(columns.members),
    memberList: int32Bytes(columns.memberList),
    weights: int32Bytes(more.weights),
    weightList: int32Bytes(more.weightList),
    finals: int32Bytes(more.finals),
    finalAt: int32Bytes(more.finalAt),
    finalCertificate: int32Bytes(more.finalCertificate),
    finalOutcome: int32Bytes(more.finalOutcome),
    finalTime: float64Bytes(times.finalTime),
    params: int32Bytes(more.params),
    paramBytes,
  };
  const wire: WireFold = {
    v: foldSnapshotFormat,
    rules: foldRulesVersion,
    kinds: [...kinds.keys()].sort(),
    dao: index.daoId,
    strings: strings.list,
    hash: index.hashBytes(),
    author: int32Bytes(author),
    kind: int32Bytes(kind),
    device: int32Bytes(device),
    height: int32Bytes(height),
    time: float64Bytes(time),
    saw,
    delegation: int32Bytes(delegation),
    verdict,
    ref: int32Bytes(ref),
    choice: int32Bytes(choice),
    count: int32Bytes(tallied),
    listed: int32Bytes(listed),
    chain: int32Bytes(causal.chainOf),
    position: int32Bytes(causal.positionOf),
    width: int32Bytes(causal.widths),
    ...(causal.bases === null ? {} : { base: int32Bytes(causal.bases) }),
    vectors: int32Bytes(causal.vectors),
    heads: int32Bytes([...index.heads]),
    order: int32Bytes(order),
    genesis: genesis?.ok && genesis.data.kind === 'dao.genesis' ? genesisWire(index) : null,
    proposals,
    modes,
    passed: int32Bytes(index.passed.map((proposal) => proposal.index)),
    ...(parts.facts === undefined ? {} : { facts: encodeFacts(parts.facts) }),
  };
  return dagCbor.encode(wire);
}

/** The genesis body as its record carried it (parsed again on import: one record). */
function genesisWire(index: LedgerIndex): RecordBody {
  const data = (index.node(index.genesis).verdict as { data: NodeData }).data as { genesis: { name: string; charter: string; founders: string[]; rules: unknown; nonce: Uint8Array } };
  const { name, charter, founders, rules, nonce } = data.genesis;
  return { name, charter, founders: founders.map((founder) => hexAddress(founder)), rules: rules as RecordBody, nonce };
}

function hexAddress(address: string): Uint8Array {
  const bytes = new Uint8Array(20);
  for (let i = 0; i < 20; i++) bytes[i] = Number.parseInt(address.slice(2 + i * 2, 4 + i * 2), 16);
  return bytes;
}

/**
 * Rebuilds what encodeFold kept. Throws INTERNAL (with the reason) for bytes of another format, another
 * version of the fold's rules, other proposal kinds, another DAO, or anything inconsistent.
 */
export function decodeFold(daoId: string, bytes: Uint8Array, kinds: ProposalKinds): FoldParts {
  let decoded: unknown;
  try {
    decoded = dagCbor.decode(bytes);
  } catch (error) {
    refuse(`it does not decode (${error instanceof Error ? error.message.slice(0, 80) : 'unknown'})`);
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) refuse('it is not a map');
  const wire = decoded as Partial<WireFold>;
  if (wire.v !== foldSnapshotFormat && wire.v !== 2 && wire.v !== 1) refuse(`its format ${String(wire.v)} is not ${foldSnapshotFormat}`);
  if (wire.v === 1 && wire.base !== undefined) refuse('its format 1 has no vector bases');
  if (wire.v !== foldSnapshotFormat && wire.facts !== undefined) refuse(`its format ${wire.v} has no proposal facts`);
  if (wire.rules !== foldRulesVersion) refuse(`it was folded under rules version ${String(wire.rules)}, not ${foldRulesVersion}`);
  if (wire.dao !== daoId) refuse('it is of another DAO');
  const kindNames = [...kinds.keys()].sort();
  if (!Array.isArray(wire.kinds) || wire.kinds.join('\n') !== kindNames.join('\n')) refuse('it was folded with other proposal kinds');
  const strings = wire.strings;
  if (!Array.isArray(strings) || !strings.every((entry) => typeof entry === 'string')) refuse('its string table is not strings');
  if (!(wire.hash instanceof Uint8Array) || wire.hash.length % 32 !== 0) refuse('its hashes are not 32 bytes each');
  const count = wire.hash.length / 32;
  const inTable = (at: number): boolean => at >= 0 && at < strings.length;
  const string = (at: number, what: string): string => {
    if (!inTable(at)) refuse(`${what} names no string`);
    return strings[at]!;
  };
  const author = int32s(wire.author, 'the authors', count);
  const kind = int32s(wire.kind, 'the kinds', count);
  const device = int32s(wire.device, 'the devices', count);
  const height = int32s(wire.height, 'the heights', count);
  const time = float64s(wire.time, 'the times', count);
  const delegation = int32s(wire.delegation, 'the delegations', count);
  const ref = int32s(wire.ref, 'the references', count);
  const choice = int32s(wire.choice, 'the choices', count);
  const tallied = int32s(wire.count, 'the counts', count);
  const listed = int32s(wire.listed, 'the listed votes');
  if (!(wire.saw instanceof Uint8Array) || wire.saw.length !== count) refuse('the saw-everything flags do not fit');
  if (!(wire.verdict instanceof Uint8Array) || wire.verdict.length !== count) refuse('the verdicts do not fit');
  const saw = wire.saw;
  const codes = wire.verdict;
  // String references checked once here, so the loop below reads the table without a check per use.
  for (let at = 0; at < count; at++) {
    const code = codes[at]!;
    const refersToString = code === 0 || code === 2 || code === 3; // a reason, or a delegated device key
    if (!(inTable(author[at]!) && inTable(kind[at]!) && (device[at] === -1 || inTable(device[at]!)) && (!refersToString || inTable(ref[at]!)))) {
      refuse(`record ${at} names a string that is not in the table`);
    }
  }

  // The causal index first: the verdicts below ask it nothing, but the ledger does as soon as it is back.
  let causal: CausalIndex;
  try {
    causal = CausalIndex.fromParts(
      int32s(wire.chain, 'the chains', count),
      int32s(wire.position, 'the positions', count),
      int32s(wire.width, 'the vector widths', count),
      wire.base === undefined ? null : int32s(wire.base, 'the vector bases', count),
      int32s(wire.vectors, 'the vectors'),
    );
  } catch (error) {
    refuse(error instanceof Error ? error.message : 'its causal index does not fit');
  }
  const index = new LedgerIndex(daoId, causal);

  const judged = judgedProposals(wire, count, codes, kinds, string);
  const finalizations = new Set<number>();
  for (const proposal of judged.values()) for (const finalization of proposal.finalizations) finalizations.add(finalization.at);
  const proposals = new Map<number, ProposalInfo>();
  const target = (at: number): ProposalInfo => {
    const proposal = ref[at]! < at ? proposals.get(ref[at]!) : undefined;
    if (!proposal) refuse(`record ${at} refers to no proposal before it`);
    return proposal;
  };
  const hashes = wire.hash;
  // Valid votes come back without their nodes, which this makes when asked for (see NodeSource). It keeps the
  // columns, not the snapshot's bytes: saw is copied, ids are read from the index's own hashes.
  const sawFlags = saw.slice();
  const source: NodeSource = {
    make(at) {
      const voter = source.author(at);
      const vote: VoteInfo = { proposal: source.proposal(at), voter, choice: choices[choice[at]!]!, votes: tallied[at]! };
      return {
        index: at,
        id: index.idOf(at),
        author: voter,
        kind: 'vote',
        device: device[at] === -1 ? null : strings[device[at]!]!,
        height: height[at]!,
        time: source.time(at),
        sawEverything: sawFlags[at] === 1,
        delegation: delegation[at]!,
        verdict: { ok: true, data: { kind: 'vote', vote } },
      };
    },
    author: (at) => strings[author[at]!]!,
    time: (at) => time[at]!,
    proposal: (at) => proposals.get(ref[at]!)!,
  };
  let listedAt = 0;
  for (let at = 0; at < count; at++) {
    const nodeTime = time[at]!;
    if (!Number.isSafeInteger(nodeTime) || nodeTime < 0 || height[at]! < 0 || delegation[at]! < -1 || delegation[at]! >= at) refuse(`record ${at} has a bad time, height or delegation`);
    const code = verdictCodes[codes[at]!];
    if (code === undefined) refuse(`record ${at} has an unknown verdict`);
    const nodeKind = strings[kind[at]!]!;
    if (code !== 'invalid' && code !== nodeKind) refuse(`record ${at} is a ${nodeKind} judged as a ${code}`);
    if (code === 'vote') {
      // Checked and filed as below, but no node made: at 100,000 records that was ~0.15 s of a cold open.
      const proposal = target(at);
      if (choices[choice[at]!] === undefined || tallied[at]! < 0) refuse(`vote ${at} does not fit`);
      if (index.indexOfHash(hashes, 32 * at) >= 0) refuse(`record ${recordIdAt(hashes, 32 * at)} is there twice`);
      index.addFromSource(at, height[at]!, source, hashes, 32 * at);
      index.registerVote(at, proposal, source.author(at));
      if (finalizations.has(at)) index.markChange(at);
      continue;
    }
    const id = recordIdAt(hashes, 32 * at);
    const node: LedgerNode = {
      index: at,
      id,
      author: strings[author[at]!]!,
      kind: nodeKind,
      device: device[at] === -1 ? null : strings[device[at]!]!,
      height: height[at]!,
      time: nodeTime,
      sawEverything: saw[at] === 1,
      delegation: delegation[at]!,
      verdict: notJudged,
    };
    let data: NodeData | null = null;
    switch (code) {
      case 'invalid':
        node.verdict = { ok: false, reason: strings[ref[at]!]! };
        break;
      case 'dao.genesis': {
        const parsed = genesisBodySchema.safeParse(wire.genesis);
        if (!parsed.success || index.genesis >= 0) refuse('its genesis does not parse');
        data = { kind: code, genesis: parsed.data };
        break;
      }
      case 'device.delegate':
      case 'device.revoke':
        data = { kind: code, device: strings[ref[at]!]! };
        break;
      case 'proposal.create': {
        const proposal = judged.get(at);
        if (!proposal) refuse(`proposal ${at} is not among the proposals`);
        const info: ProposalInfo = { ...proposal, id, author: node.author, createdAt: nodeTime, votes: [], votesByVoter: new Map(), signatures: [], signersByCertificate: new Map(), ceiling: 0, withdrawals: [] };
        proposals.set(at, info);
        data = { kind: code, proposal: info };
        break;
      }
      case 'proposal.withdraw':
        data = { kind: code, proposal: target(at) };
        break;
      case 'tally.sign': {
        const proposal = target(at);
        const outcome = outcomes[choice[at]!];
        const listedCount = tallied[at]!;
        if (outcome === undefined || listedCount < 0 || listedAt + listedCount > listed.length) refuse(`signature ${at} does not fit`);
        const votes = Array.from(listed.subarray(listedAt, listedAt + listedCount));
        listedAt += listedCount;
        for (const vote of votes) {
          if (!(vote < at && index.validKind(vote) === 'vote' && index.proposalOf(vote) === proposal)) refuse(`signature ${at} lists a record that is not a vote on its proposal`);
        }
        const certificate = certificateKey(outcome, votes.map((vote) => index.idOf(vote)));
        data = { kind: code, signature: { proposal, signer: node.author, certificate, votes, outcome } };
        break;
      }
      case 'member.ragequit':
      case 'group.key':
      case 'invite.revoke':
        data = { kind: code };
        break;
    }
    if (data !== null) node.verdict = { ok: true, data } satisfies Verdict;
    if (index.indexOfHash(hashes, 32 * at) >= 0) refuse(`record ${id} is there twice`);
    index.addNode(node, hashes, 32 * at);
    // As when it came in: filed by its verdict (a finalized proposal stays out of the unsettled ones), and
    // marked if it finalized something (marks go in index order, which is chain order).
    index.register(node);
    if (finalizations.has(at)) index.markChange(at);
  }
  if (listedAt !== listed.length) refuse('the listed votes do not add up');
  if (proposals.size !== judged.size) refuse('a proposal is not on a proposal record');

  // What settle did besides the finalizations themselves; the changes views replay (register noted the rage quits).
  for (const proposal of proposals.values()) {
    if (proposal.finalizations.length === 0) continue;
    for (const finalization of proposal.finalizations) {
      const list = index.finalizedAt.get(finalization.at);
      if (list) list.push(proposal);
      else index.finalizedAt.set(finalization.at, [proposal]);
    }
    index.eventChanges.push(proposal);
  }
  const passed = int32s(wire.passed, 'the passed proposals');
  for (const at of passed) {
    const proposal = proposals.get(at);
    if (!proposal || !proposal.finalizations.some((finalization) => finalization.outcome === 'passed')) refuse(`proposal ${at} did not pass`);
    index.passed.push(proposal);
  }
  for (const head of int32s(wire.heads, 'the heads')) {
    if (head < 0 || head >= count || index.heads.has(head)) refuse('its heads do not fit');
    index.heads.add(head);
  }
  if (count > 0 && index.heads.size === 0) refuse('it has no heads');
  const ranks = int32s(wire.order, 'the canonical order', count);
  const placed = new Uint8Array(count);
  const order: number[] = [];
  for (let rank = 0; rank < count; rank++) {
    const at = ranks[rank]!;
    if (!(at >= 0 && at < count) || placed[at] === 1) refuse('its canonical order is not one of its records');
    placed[at] = 1;
    order.push(at);
  }
  return wire.facts === undefined ? { index, order } : { index, order, facts: decodeFacts(index, wire.facts) };
}

/** A proposal as judged, without what its record and the records after it give. */
type JudgedProposal = Omit<ProposalInfo, 'id' | 'author' | 'createdAt' | 'votes' | 'votesByVoter' | 'signatures' | 'signersByCertificate' | 'ceiling' | 'withdrawals'>;

function judgedProposals(wire: Partial<WireFold>, count: number, codes: Uint8Array, kinds: ProposalKinds, string: (at: number, what: string) => string): Map<number, JudgedProposal> {
  const columns = wire.proposals;
  if (typeof columns !== 'object' || columns === null || !Array.isArray(wire.modes)) refuse('its proposals are not columns');
  const at = int32s(columns.index, 'the proposal records');
  const total = at.length;
  const kind = int32s(columns.kind, 'the proposal kinds', total);
  const title = int32s(columns.title, 'the proposal titles', total);
  const modeOf = int32s(columns.mode, 'the voting modes', total);
  const deadline = float64s(columns.deadline, 'the deadlines', total);
  const grace = float64s(columns.grace, 'the grace periods', total);
  const epoch = float64s(columns.epoch, 'the epochs', total);
  const members = int32s(columns.members, 'the electorate sizes', total);
  const memberList = int32s(columns.memberList, 'the electorates');
  const weights = int32s(columns.weights, 'the weight counts', total);
  const weightList = int32s(columns.weightList, 'the weights');
  const finals = int32s(columns.finals, 'the finalization counts', total);
  const finalAt = int32s(columns.finalAt, 'the finalizations');
  const finalCertificate = int32s(columns.finalCertificate, 'the final certificates', finalAt.length);
  const finalOutcome = int32s(columns.finalOutcome, 'the final outcomes', finalAt.length);
  const finalTime = float64s(columns.finalTime, 'the finalization times', finalAt.length);
  const paramLengths = int32s(columns.params, 'the params lengths', total);
  if (!(columns.paramBytes instanceof Uint8Array)) refuse('the params are not bytes');
  const modes = wire.modes.map((raw) => {
    const mode = votingModeSchema.safeParse(raw);
    if (!mode.success) refuse('a voting mode does not parse');
    return mode.data;
  });
  const judged = new Map<number, JudgedProposal>();
  let memberAt = 0;
  let weightAt = 0;
  let finalIndex = 0;
  let paramsAt = 0;
  for (let p = 0; p < total; p++) {
    const record = at[p]!;
    if (!(record >= 0 && record < count) || verdictCodes[codes[record]!] !== 'proposal.create' || judged.has(record)) refuse('a proposal refers to no proposal record');
    const spec = kinds.get(string(kind[p]!, `proposal ${record}'s kind`));
    if (!spec) refuse(`proposal ${record} is of an unknown kind`);
    const paramLength = paramLengths[p]!;
    if (!(paramLength >= 0 && paramsAt + paramLength <= columns.paramBytes.length)) refuse(`proposal ${record}'s params do not fit`);
    let rawParams: RecordBody;
    try {
      rawParams = dagCbor.decode(columns.paramBytes.subarray(paramsAt, paramsAt + paramLength));
    } catch {
      refuse(`proposal ${record}'s params do not decode`);
    }
    paramsAt += paramLength;
    const parsed = spec.parse(rawParams);
    if (!parsed.ok) refuse(`proposal ${record} has params its kind refuses`);
    const mode = modes[modeOf[p]!];
    if (!mode) refuse(`proposal ${record} has no voting mode`);
    if (!(members[p]! >= 0 && memberAt + members[p]! <= memberList.length && weights[p]! >= 0 && weightAt + 2 * weights[p]! <= weightList.length)) refuse(`proposal ${record}'s electorate does not fit`);
    const electorate: string[] = [];
    for (let m = 0; m < members[p]!; m++) electorate.push(string(memberList[memberAt++]!, `proposal ${record}'s electorate`));
    const weighted = new Map<string, bigint>();
    for (let w = 0; w < weights[p]!; w++) {
      const member = string(weightList[weightAt++]!, `proposal ${record}'s weights`);
      const weight = string(weightList[weightAt++]!, `proposal ${record}'s weights`);
      if (!/^\d+$/.test(weight)) refuse(`proposal ${record} has a bad weight`);
      weighted.set(member, BigInt(weight));
    }
    if (![deadline[p]!, grace[p]!, epoch[p]!].every((number) => Number.isSafeInteger(number))) refuse(`proposal ${record} has bad times`);
    if (!(finals[p]! >= 0 && finalIndex + finals[p]! <= finalAt.length)) refuse(`proposal ${record}'s finalizations do not fit`);
    const finalizations: Finalization[] = [];
    for (let f = 0; f < finals[p]!; f++, finalIndex++) {
      const finalRecord = finalAt[finalIndex]!;
      const outcome = outcomes[finalOutcome[finalIndex]!];
      const time = finalTime[finalIndex]!;
      if (!(finalRecord > record && finalRecord < count) || outcome === undefined || !Number.isSafeInteger(time)) refuse(`proposal ${record} has a bad finalization`);
      finalizations.push({ at: finalRecord, certificate: string(finalCertificate[finalIndex]!, `proposal ${record}'s certificate`), outcome, time });
    }
    judged.set(record, {
      index: record,
      kind: spec.kind,
      spec,
      params: parsed.params,
      rawParams,
      title: string(title[p]!, `proposal ${record}'s title`),
      mode,
      electorate: { members: electorate, weights: weighted },
      deadline: deadline[p]!,
      graceMs: grace[p]!,
      epoch: epoch[p]!,
      removes: spec.removes(parsed.params),
      finalizations,
    });
  }
  if (memberAt !== memberList.length || weightAt !== weightList.length || finalIndex !== finalAt.length || paramsAt !== columns.paramBytes.length) refuse('the proposal columns do not add up');
  return judged;
}
