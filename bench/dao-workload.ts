// A realistic DAO history as signed envelopes, for the benchmarks: a few members, each writing from a
// delegated device key (Ed25519, as the host does) in envelopes of `perEnvelope` records; proposals (mostly
// signals, some reputation grants), votes that change, and tally certificates once voting is over. Members
// write in rounds, each on top of what they held when the round began, so their envelopes are concurrent
// in the causal DAG as those of peers that sync now and then. Deterministic apart from the Yjs client ids.
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

type Writer = { key: MemberKey; device: NativeEd25519Signer; doc: ReturnType<typeof createDaoDoc>; delegation: string | null; signed: Set<string> };

const startTime = Date.UTC(2026, 0, 1);
const second = 1000;

/**
 * About `records` records (a round is finished whole) from `members` members, `perEnvelope` per envelope. With
 * `aheadOfNowMs`, one more envelope at the end for each: the second member's signal proposal claiming that far
 * ahead of the clock (a member whose clock runs ahead), titled "From a clock ahead" and its position from the
 * second on; `stateHash` then counts them, as a fold that does not hold back does.
 */
export function buildWorkload(options: { records: number; perEnvelope: number; members?: number; seed?: number; aheadOfNowMs?: readonly number[] }): Workload {
  const { perEnvelope } = options;
  const memberCount = options.members ?? 5;
  const next = seededRandom(options.seed ?? 1);
  const writers: Writer[] = Array.from({ length: memberCount }, (_, i) => {
    const secret = sha256(utf8ToBytes(`daomesh bench member ${i}`));
    const device = createNativeEd25519Signer(sha256(secret));
    // Each writes as its device key's first Yjs client, as a host does (the gate takes no other).
    const doc = createDaoDoc();
    doc.clientID = yjsClientOf(device.publicKey, 0);
    return { key: memberKeyFromPrivateKey(secret), device, doc, delegation: null, signed: new Set() };
  });
  // In a round every member writes one envelope, its records one second apart (so the round spans perEnvelope
  // + 1 seconds); voting stays open for about 600 records, and at least three rounds.
  const roundMs = (perEnvelope + 1) * second;
  const votingRounds = Math.max(3, Math.ceil(600 / (memberCount * perEnvelope)));
  const rules: Rules = { ...rulePresets.simpleMajority(memberCount), votingPeriodMs: votingRounds * roundMs, gracePeriodMs: roundMs };
  const founder = writers[0]!;
  const genesis = signRecordAsMember(
    buildGenesis({
      author: founder.key.address,
      name: 'Bench DAO',
      charter: 'A DAO for benchmarks.',
      founders: writers.map((writer) => writer.key.address),
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


  // Round 0: the founder brings the genesis; everyone delegates to their device key (the record member-signed,
  // its envelope sealed by the device key it delegates, as the host seals it).
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
        const { unsigned, proposes } = nextRecord(fold, writer, writers, proposals, context, roundStart, next);
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
  for (const [position, aheadMs] of (writers.length > 1 ? (options.aheadOfNowMs ?? []) : []).entries()) {
    const writer = writers[1]!;
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
 * What a member writes next: a tally signature for a proposal whose voting ended before the round began (so
 * every counted vote is in everyone's past), else now and then a proposal, else a vote on an open proposal.
 */
function nextRecord(
  fold: DaoLedger,
  writer: Writer,
  writers: readonly Writer[],
  proposals: Proposal[],
  context: RecordContext,
  roundStart: number,
  next: () => number,
): { unsigned: UnsignedRecord; proposes: boolean } {
  for (const proposal of proposals) {
    if (proposal.deadline >= roundStart || writer.signed.has(proposal.id)) continue;
    writer.signed.add(proposal.id);
    proposal.signers++;
    const certificate = fold.proposeCertificate(proposal.id, context.time);
    if (certificate.ok) return { unsigned: buildTallySignature(context, certificate.certificate), proposes: false };
  }
  // Proposals every member has looked at are done with.
  while (proposals.length > 0 && proposals[0]!.signers >= writers.length) proposals.shift();
  // Open, and seen: made before the round began (so in every member's past), or by this member.
  const open = proposals.filter((proposal) => proposal.deadline > context.time && (proposal.created < roundStart || proposal.author === writer));
  if (open.length === 0 || next() < 0.03) {
    const grant = next() < 0.2;
    const input = grant
      ? { kind: 'reputation.grant', params: { member: writers[Math.floor(next() * writers.length)]!.key.address, points: 10n }, title: 'Thanks' }
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
