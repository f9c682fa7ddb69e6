// Each proposal's facts (dao-state.ts, ProposalFacts) as columns in the fold snapshot, so a host opening a DAO
// builds its first state without working out again whether every vote and signature stands. The facts are
// positions of records the fold itself holds, so the importer checks each one belongs to its proposal: damaged
// or foreign bytes are refused, as the rest of the fold is, never turned into a wrong state.
import type { ProposalFacts, SavedFacts } from './dao-state.ts';
import { int32Bytes, int32s, refuse, Strings } from './fold-columns.ts';
import type { LedgerIndex, ProposalInfo } from './ledger-index.ts';

const statuses: ReadonlyArray<ProposalFacts['status']> = ['open', 'passed', 'rejected', 'executed', 'failed', 'withdrawn'];

/** Per proposal its record, cache key, status and hash; the lengths of its lists in the flat columns after them. */
export type WireFacts = {
  strings: string[];
  proposal: Uint8Array;
  key: Uint8Array;
  status: Uint8Array;
  hash: Uint8Array;
  counted: Uint8Array;
  countedList: Uint8Array;
  certificates: Uint8Array;
  firstList: Uint8Array;
  signers: Uint8Array;
  signerList: Uint8Array;
  evidence: Uint8Array;
  evidenceList: Uint8Array;
  reasonList: Uint8Array;
};

export function encodeFacts(saved: readonly SavedFacts[]): WireFacts {
  const strings = new Strings();
  const columns = {
    proposal: [] as number[],
    key: [] as number[],
    counted: [] as number[],
    countedList: [] as number[],
    certificates: [] as number[],
    firstList: [] as number[],
    signers: [] as number[],
    signerList: [] as number[],
    evidence: [] as number[],
    evidenceList: [] as number[],
    reasonList: [] as number[],
  };
  const status = new Uint8Array(saved.length);
  const hash = new Uint8Array(32 * saved.length);
  saved.forEach(({ proposal, key, facts }, at) => {
    columns.proposal.push(proposal.index);
    columns.key.push(strings.of(key));
    status[at] = statuses.indexOf(facts.status);
    hash.set(facts.hash, 32 * at);
    columns.counted.push(facts.counted.length);
    for (const vote of facts.counted) columns.countedList.push(vote);
    columns.certificates.push(facts.certificates.length);
    for (const { first, signers } of facts.certificates) {
      columns.firstList.push(first);
      columns.signers.push(signers.length);
      for (const signer of signers) columns.signerList.push(strings.of(signer));
    }
    columns.evidence.push(facts.evidence.length);
    for (const [position, reason] of facts.evidence) {
      columns.evidenceList.push(position);
      columns.reasonList.push(strings.of(reason));
    }
  });
  return {
    strings: strings.list,
    proposal: int32Bytes(columns.proposal),
    key: int32Bytes(columns.key),
    status,
    hash,
    counted: int32Bytes(columns.counted),
    countedList: int32Bytes(columns.countedList),
    certificates: int32Bytes(columns.certificates),
    firstList: int32Bytes(columns.firstList),
    signers: int32Bytes(columns.signers),
    signerList: int32Bytes(columns.signerList),
    evidence: int32Bytes(columns.evidence),
    evidenceList: int32Bytes(columns.evidenceList),
    reasonList: int32Bytes(columns.reasonList),
  };
}

/** Takes encodeFacts' columns back against the fold they were saved with; throws INTERNAL (refuse) for anything that does not fit it. */
export function decodeFacts(index: LedgerIndex, wire: unknown): SavedFacts[] {
  if (typeof wire !== 'object' || wire === null) refuse('its proposal facts are not columns');
  const columns = wire as Partial<WireFacts>;
  const strings = columns.strings;
  if (!Array.isArray(strings) || !strings.every((entry) => typeof entry === 'string')) refuse('the proposal facts\' string table is not strings');
  const string = (at: number, what: string): string => {
    if (!(at >= 0 && at < strings.length)) refuse(`${what} names no string`);
    return strings[at]!;
  };
  const proposalAt = int32s(columns.proposal, 'the facts\' proposals');
  const total = proposalAt.length;
  const key = int32s(columns.key, 'the facts\' keys', total);
  const counted = int32s(columns.counted, 'the counted vote counts', total);
  const countedList = int32s(columns.countedList, 'the counted votes');
  const certificates = int32s(columns.certificates, 'the certificate counts', total);
  const firstList = int32s(columns.firstList, 'the certificates\' first signatures');
  const signers = int32s(columns.signers, 'the signer counts', firstList.length);
  const signerList = int32s(columns.signerList, 'the signers');
  const evidence = int32s(columns.evidence, 'the evidence counts', total);
  const evidenceList = int32s(columns.evidenceList, 'the proposals\' evidence');
  const reasonList = int32s(columns.reasonList, 'the evidence reasons', evidenceList.length);
  if (!(columns.status instanceof Uint8Array) || columns.status.length !== total) refuse('the proposal statuses do not fit');
  if (!(columns.hash instanceof Uint8Array) || columns.hash.length !== 32 * total) refuse('the proposal hashes do not fit');
  const { status, hash } = columns as { status: Uint8Array; hash: Uint8Array };

  // The index answers these for votes taken back without their nodes, without making them.
  const saved: SavedFacts[] = [];
  const seen = new Set<ProposalInfo>();
  let countedAt = 0;
  let certificateAt = 0;
  let signerAt = 0;
  let evidenceAt = 0;
  for (let p = 0; p < total; p++) {
    const record = proposalAt[p]!;
    const proposal = index.proposalOf(record);
    if (!proposal || proposal.index !== record || seen.has(proposal)) refuse('proposal facts refer to no proposal record');
    seen.add(proposal);
    const what = `proposal ${record}'s facts`;
    const statusName = statuses[status[p]!];
    if (statusName === undefined) refuse(`${what} have an unknown status`);
    if (!(counted[p]! >= 0 && countedAt + counted[p]! <= countedList.length)) refuse(`${what} list votes that do not fit`);
    const countedVotes: number[] = [];
    for (let c = 0; c < counted[p]!; c++) {
      const vote = countedList[countedAt++]!;
      if (index.proposalOf(vote) !== proposal || index.validKind(vote) !== 'vote') refuse(`${what} count a record that is not one of its votes`);
      countedVotes.push(vote);
    }
    if (!(certificates[p]! >= 0 && certificateAt + certificates[p]! <= firstList.length)) refuse(`${what} list certificates that do not fit`);
    const signed: Array<{ first: number; signers: string[] }> = [];
    for (let c = 0; c < certificates[p]!; c++, certificateAt++) {
      const first = firstList[certificateAt]!;
      if (index.proposalOf(first) !== proposal || index.validKind(first) !== 'tally.sign') refuse(`${what} name a certificate by a record that is not one of its signatures`);
      const signerCount = signers[certificateAt]!;
      if (!(signerCount >= 1 && signerAt + signerCount <= signerList.length)) refuse(`${what} list signers that do not fit`);
      const names: string[] = [];
      for (let s = 0; s < signerCount; s++) names.push(string(signerList[signerAt++]!, `${what}' signers`));
      signed.push({ first, signers: names });
    }
    if (!(evidence[p]! >= 0 && evidenceAt + evidence[p]! <= evidenceList.length)) refuse(`${what} list evidence that does not fit`);
    const entries: Array<[number, string]> = [];
    for (let e = 0; e < evidence[p]!; e++, evidenceAt++) {
      const position = evidenceList[evidenceAt]!;
      if (index.proposalOf(position) !== proposal) refuse(`${what} hold evidence that is not one of its records`);
      entries.push([position, string(reasonList[evidenceAt]!, `${what}' evidence`)]);
    }
    const facts: ProposalFacts = { status: statusName, counted: countedVotes, certificates: signed, evidence: entries, hash: hash.slice(32 * p, 32 * p + 32) };
    saved.push({ proposal, key: string(key[p]!, `${what}' key`), facts });
  }
  if (countedAt !== countedList.length || certificateAt !== firstList.length || signerAt !== signerList.length || evidenceAt !== evidenceList.length) {
    refuse('the proposal facts do not add up');
  }
  return saved;
}
