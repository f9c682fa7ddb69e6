// A realistic DAO history as signed envelopes, for the benchmarks: a few members, each writing from one or more
// delegated device keys (Ed25519, as the host does) in envelopes of `perEnvelope` records; proposals (mostly
// signals, some reputation grants), votes that change, and tally certificates once voting is over. Devices
// write in rounds, each on top of what they held when the round began, so their envelopes are concurrent
// in the causal DAG as those of peers that sync now and then. Deterministic.
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { appendRecords, createDaoDoc, localUpdate } from '../core/dao/dao-doc.ts';
import { sealEnvelopeAsDevice } from '../core/dao/envelope.ts';
import { yjsClientOf } from '../core/dao/yjs-client.ts';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { buildDeviceDelegation, buildGenesis, buildProposal, buildTallySignature, buildVote, type RecordContext } from '../core/governance/record-builders.ts';
import { rulePresets, type Rules } from '../core/governance/rules.ts';
import { envelopeFrames } from '../core/sync/sync-messages.ts';
import { memberKeyFromPrivateKey, type MemberKey } from '../core/identity/member-key.ts';
import { recordHashFromId, signRecordAsDevice, signRecordAsMember, type LedgerRecord, type UnsignedRecord } from '../core/ledger/record.ts';
import { seededRandom } from '../core/governance/test-dao.ts';
import { createNativeEd25519Signer, type NativeEd25519Signer } from '../electron-main/host/native-ed25519.ts';

export type Workload = {
  readonly dao: string;
  /** Envelope bytes in the order their authors wrote them: each one applies on top of those before it. */
  readonly envelopes: readonly Uint8Array[];
  readonly records: number;
  /** The state hash the writers' own fold gives: what every receiver must reach. */
  readonly stateHash: string;
};

type Member = { key: MemberKey; signed: Set<string> };
/** One writing device: a member's delegated device key, with its own document (a host of its own). */
type Writer = { member: Member; key: MemberKey; device: NativeEd25519Signer; doc: ReturnType<typeof createDaoDoc>; delegation: string | null };

const startTime = Date.UTC(2026, 0, 1);
const second = 1000;

export type WorkloadOptions = {
  records: number;
  perEnvelope: number;
  /** Members, all founders (default 5). The DAO's member cap is raised to them when they pass its default (15). */
  members?: number;
  /**
   * Devices each member writes from (default 1): one number for every member, or one per member in order (a
   * member past the list's end has one). Each device is a host of its own: its own key, delegation and document.
   */
  devicesPerMember?: number | readonly number[];
  seed?: number;
  aheadOfNowMs?: readonly number[];
};

/**
 * About `records` records (a round is finished whole) from `members` members, `perEnvelope` per envelope. Every
 * device writes one envelope per round, in turn: the members in order, each member's devices one after the
 * other. With `aheadOfNowMs`, one more envelope at the end for each: the second member's (first device's) signal
 * proposal claiming that far ahead of the clock (a member whose clock runs ahead), titled "From a clock ahead" and its
 * position from the second on; `stateHash` then counts them, as a fold that does not hold back does.
 */
export function buildWorkload(options: WorkloadOptions): Workload {
  const { perEnvelope } = options;
  const memberCount = options.members ?? 5;
  const next = seededRandom(options.seed ?? 1);
  const devicesOf = (i: number): number => {
    const given = options.devicesPerMember;
    const count = typeof given === 'number' ? given : (given?.[i] ?? 1);
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`A member writes from at least one device, not ${count}.`);
    return count;
  };
  const members: Member[] = [];
  const writers: Writer[] = [];
  for (let i = 0; i < memberCount; i++) {
    const secret = sha256(utf8ToBytes(`daomesh bench member ${i}`));
    const member: Member = { key: memberKeyFromPrivateKey(secret), signed: new Set() };
    members.push(member);
    for (let d = 0; d < devicesOf(i); d++) {
      const device = createNativeEd25519Signer(d === 0 ? sha256(secret) : sha256(utf8ToBytes(`daomesh bench member ${i} device ${d}`)));
      // Each writes as its device key's first Yjs client, as a host does (the gate takes no other).
      const doc = createDaoDoc();
      doc.clientID = yjsClientOf(device.publicKey, 0);
      writers.push({ member, key: member.key, device, doc, delegation: null });
    }
  }
  // In a round every device writes one envelope, its records one second apart (so the round spans perEnvelope
  // + 1 seconds); voting stays open for about 600 records, and at least three rounds.
  const roundMs = (perEnvelope + 1) * second;
  const votingRounds = Math.max(3, Math.ceil(600 / (writers.length * perEnvelope)));
  const preset = rulePresets.simpleMajority(memberCount);
  const rules: Rules = { ...preset, memberCap: Math.max(preset.memberCap, memberCount), votingPeriodMs: votingRounds * roundMs, gracePeriodMs: roundMs };
  const founder = writers[0]!;
  const genesis = signRecordAsMember(
    buildGenesis({
      author: founder.key.address,
      name: 'Bench DAO',
      charter: 'A DAO for benchmarks.',
      founders: members.map((member) => member.key.address),
      rules,
      nonce: sha256(utf8ToBytes(`bench ${options.seed ?? 1}`)).slice(0, 16),
      time: startTime,
    }),
    founder.key.privateKey,
  );
  const dao = genesis.id;
  const fold = new DaoLedger(dao);
  fold.add(genesis);
  const envelopes: Uint8Array[] = [];
  let records = 1;

  const seal = (writer: Writer, batch: LedgerRecord[]): void => {
    const update = localUpdate(writer.doc, () => appendRecords(writer.doc, batch))!;
    const device = { key: writer.device.publicKey, delegation: recordHashFromId(writer.delegation!) };
    envelopes.push(sealEnvelopeAsDevice(dao, update, writer.key.address, device, writer.device.sign).bytes);
  };


  // Round 0: the founder's first device brings the genesis; every device is delegated to by its member (the
  // record member-signed, its envelope sealed by the device key it delegates, as the host seals it).
  let time = startTime + second;
  const genesisBatch = [genesis];
  for (const writer of writers) {
    const delegation = signRecordAsMember(buildDeviceDelegation({ dao, author: writer.key.address, deps: [dao], time }, writer.device.publicKey), writer.key.privateKey);
    writer.delegation = delegation.id;
    fold.add(delegation);
    records++;
    if (writer === founder) {
      genesisBatch.push(delegation);
      seal(writer, genesisBatch);
    } else {
      seal(writer, [delegation]);
    }
  }

  const proposals: Proposal[] = [];
  while (records < options.records) {
    const roundStart = time;
    const heads = fold.heads();
    for (const writer of writers) {
      const batch: LedgerRecord[] = [];
      let deps = heads;
      for (let i = 0; i < perEnvelope; i++) {
        const recordTime = roundStart + (batch.length + 1) * second;
        const context: RecordContext = { dao, author: writer.key.address, deps, time: recordTime, device: { key: writer.device.publicKey, delegation: writer.delegation! } };
        const { unsigned, proposes } = nextRecord(fold, writer, members, proposals, context, roundStart, next);
        const record = signRecordAsDevice(unsigned, writer.device.sign);
        if (proposes) proposals.push({ id: record.id, author: writer, created: recordTime, deadline: recordTime + rules.votingPeriodMs, signers: 0 });
        fold.add(record);
        batch.push(record);
        deps = [record.id];
        records++;
      }
      seal(writer, batch);
    }
    time = roundStart + roundMs;
  }
  const secondMember = members.length > 1 ? writers.find((writer) => writer.member === members[1]) : undefined;
  for (const [position, aheadMs] of (secondMember !== undefined ? (options.aheadOfNowMs ?? []) : []).entries()) {
    const writer = secondMember!;
    const context: RecordContext = { dao, author: writer.key.address, deps: fold.heads(), time: Date.now() + aheadMs, device: { key: writer.device.publicKey, delegation: writer.delegation! } };
    const title = position === 0 ? 'From a clock ahead' : `From a clock ahead ${position + 1}`;
    const record = signRecordAsDevice(buildProposal(context, { kind: 'signal', params: { text: '' }, title }), writer.device.sign);
    fold.add(record);
    seal(writer, [record]);
    records++;
  }
  return { dao, envelopes, records, stateHash: fold.stateHash() };
}

type Proposal = { readonly id: string; readonly author: Writer; readonly created: number; readonly deadline: number; signers: number };

/**
 * What a device writes next: its member's tally signature for a proposal whose voting ended before the round
 * began (so every counted vote is in everyone's past; once per member), else now and then a proposal, else a
 * vote on an open proposal.
 */
function nextRecord(
  fold: DaoLedger,
  writer: Writer,
  members: readonly Member[],
  proposals: Proposal[],
  context: RecordContext,
  roundStart: number,
  next: () => number,
): { unsigned: UnsignedRecord; proposes: boolean } {
  for (const proposal of proposals) {
    if (proposal.deadline >= roundStart || writer.member.signed.has(proposal.id)) continue;
    writer.member.signed.add(proposal.id);
    proposal.signers++;
    const certificate = fold.proposeCertificate(proposal.id, context.time);
    if (certificate.ok) return { unsigned: buildTallySignature(context, certificate.certificate), proposes: false };
  }
  // Proposals every member has looked at are done with.
  while (proposals.length > 0 && proposals[0]!.signers >= members.length) proposals.shift();
  // Open, and seen: made before the round began (so in every device's past), or by this device.
  const open = proposals.filter((proposal) => proposal.deadline > context.time && (proposal.created < roundStart || proposal.author === writer));
  if (open.length === 0 || next() < 0.03) {
    const grant = next() < 0.2;
    const input = grant
      ? { kind: 'reputation.grant', params: { member: members[Math.floor(next() * members.length)]!.key.address, points: 10n }, title: 'Thanks' }
      : { kind: 'signal', params: { text: 'Shall we?' }, title: 'A question' };
    return { unsigned: buildProposal(context, input), proposes: true };
  }
  const proposal = open[Math.floor(next() * open.length)]!;
  return { unsigned: buildVote(context, { proposal: proposal.id, choice: next() < 0.6 ? 'yes' : 'no' }), proposes: false };
}

/**
 * The envelopes as catch-up sync delivers them: runs of at most 64 envelopes (dao-sync-session.ts), each cut
 * into frames of about envelopeFrameBudget bytes; the host takes a frame at a time (DaoReplica.acceptRemoteMany).
 */
export function catchUpFrames(envelopes: readonly Uint8Array[]): Uint8Array[][] {
  const frames: Uint8Array[][] = [];
  for (let i = 0; i < envelopes.length; i += 64) {
    for (const message of envelopeFrames(envelopes.slice(i, i + 64))) if (message.t === 'envelopes') frames.push([...message.envelopes]);
  }
  return frames;
}
