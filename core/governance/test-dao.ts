// Test support (used by *.test.ts and the benches): members with real keys, and a scenario that writes signed records
// into a DaoLedger the way a host would (deps = current heads, unless a test fakes an offline member's view).
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { memberKeyFromPrivateKey, type MemberKey } from '../identity/member-key.ts';
import { signRecordAsDevice, signRecordAsMember, type LedgerRecord, type UnsignedRecord } from '../ledger/record.ts';
import type { Certificate } from './certificate.ts';
import { DaoLedger } from './dao-ledger.ts';
import type { DaoState, ProposalView } from './dao-state.ts';
import {
  buildDeviceDelegation,
  buildGenesis,
  buildProposal,
  buildRagequit,
  buildTallySignature,
  buildVote,
  buildWithdrawal,
  type ProposalInput,
  type RecordContext,
} from './record-builders.ts';
import { proposalKinds, type ProposalKinds } from './proposal-kinds.ts';
import type { Rules } from './rules.ts';
import type { Choice } from './tally.ts';

export const startTime = Date.UTC(2025, 0, 1);
export const hour = 3600 * 1000;
export const day = 24 * hour;

export type Device = { readonly secretKey: Uint8Array; readonly publicKey: Uint8Array; readonly delegation: string };

export type Actor = { readonly name: string; readonly key: MemberKey; device?: Device };

/** A member with a key derived from their name, so every run signs the same way. */
export function actor(name: string): Actor {
  return { name, key: memberKeyFromPrivateKey(sha256(utf8ToBytes(`daomesh test member ${name}`))) };
}

export function signAs(who: Actor, record: UnsignedRecord): LedgerRecord {
  if (!record.device) return signRecordAsMember(record, who.key.privateKey);
  const device = who.device!;
  return signRecordAsDevice(record, (payload) => ed25519.sign(payload, device.secretKey));
}

export type WriteOptions = { deps?: readonly string[]; time?: number; asDevice?: boolean; into?: DaoLedger | null };

export class Scenario {
  readonly ledger: DaoLedger;
  readonly daoId: string;
  readonly genesis: LedgerRecord;
  readonly records: LedgerRecord[] = [];
  now: number;

  readonly kinds: ProposalKinds;

  constructor(founders: readonly Actor[], rules: Rules, start = startTime, kinds: ProposalKinds = proposalKinds()) {
    this.kinds = kinds;
    this.now = start;
    this.genesis = signRecordAsMember(
      buildGenesis({
        author: founders[0]!.key.address,
        name: 'Test DAO',
        charter: 'We test things.',
        founders: founders.map((founder) => founder.key.address),
        rules,
        nonce: sha256(utf8ToBytes(founders.map((founder) => founder.name).join())).slice(0, 16),
        time: start,
      }),
      founders[0]!.key.privateKey,
    );
    this.daoId = this.genesis.id;
    this.ledger = new DaoLedger(this.daoId, { kinds });
    this.records.push(this.genesis);
    this.ledger.add(this.genesis);
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  context(who: Actor, options: WriteOptions = {}): RecordContext {
    const device = options.asDevice && who.device ? { key: who.device.publicKey, delegation: who.device.delegation } : undefined;
    return { dao: this.daoId, author: who.key.address, deps: options.deps ?? this.ledger.heads(), time: options.time ?? this.now, device };
  }

  /** Signs and keeps the record; adds it to the scenario's ledger unless `into` says otherwise (null: nowhere). */
  write(who: Actor, build: (context: RecordContext) => UnsignedRecord, options: WriteOptions = {}): LedgerRecord {
    const record = signAs(who, build(this.context(who, options)));
    this.records.push(record);
    const into = options.into === undefined ? this.ledger : options.into;
    into?.add(record);
    return record;
  }

  delegateDevice(who: Actor, options: WriteOptions = {}): Device {
    const keys = ed25519.keygen(sha256(utf8ToBytes(`device of ${who.name} ${this.records.length}`)));
    const delegation = this.write(who, (context) => buildDeviceDelegation(context, keys.publicKey), { ...options, asDevice: false });
    who.device = { secretKey: keys.secretKey, publicKey: keys.publicKey, delegation: delegation.id };
    return who.device;
  }

  propose(who: Actor, input: ProposalInput, options: WriteOptions = {}): string {
    return this.write(who, (context) => buildProposal(context, input, this.kinds), options).id;
  }

  vote(who: Actor, proposal: string, choice: Choice, options: WriteOptions & { votes?: number } = {}): LedgerRecord {
    return this.write(who, (context) => buildVote(context, { proposal, choice, votes: options.votes }), options);
  }

  withdraw(who: Actor, proposal: string, options: WriteOptions = {}): LedgerRecord {
    return this.write(who, (context) => buildWithdrawal(context, proposal), options);
  }

  signCertificate(who: Actor, certificate: Certificate, options: WriteOptions = {}): LedgerRecord {
    return this.write(who, (context) => buildTallySignature(context, certificate), options);
  }

  /** Signs what an honest member would: the ledger's proposed certificate at the scenario's now. */
  sign(who: Actor, proposal: string, options: WriteOptions = {}): LedgerRecord {
    const proposed = this.ledger.proposeCertificate(proposal, options.time ?? this.now);
    if (!proposed.ok) throw new Error(`no certificate to sign: ${proposed.problem}`);
    return this.signCertificate(who, proposed.certificate, options);
  }

  ragequit(who: Actor, options: WriteOptions = {}): LedgerRecord {
    return this.write(who, (context) => buildRagequit(context), options);
  }

  state(): DaoState {
    return this.ledger.state(this.now);
  }

  proposal(id: string): ProposalView {
    const proposal = this.state().proposals.find((candidate) => candidate.id === id);
    if (!proposal) throw new Error(`no proposal ${id}`);
    return proposal;
  }

  /** The evidence entry for a record (its reason), or undefined when the record counts. */
  evidenceFor(record: LedgerRecord | string): string | undefined {
    const id = typeof record === 'string' ? record : record.id;
    return this.state().evidence.find((entry) => entry.record === id)?.reason;
  }

  memberAddresses(): string[] {
    return this.state().members.map((member) => member.address);
  }
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same numbers in [0, 1), so a history replays. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
