// The DAOs this node holds, and the member's actions on them: each action becomes a record built by core,
// signed by this device's delegated key, written through the replica (log first), and announced.
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';
import * as Y from 'yjs';
import type { BridgeParams, BridgeResult, DaoSummary, DaoView } from '../../core/bridge/api.ts';
import { daoSummary, daoView, evidencePage, exitView, rulesChangeFromView, votingByKindFromView, type SigningLimits } from '../../core/bridge/dao-view.ts';
import { daoText, isTextName, textNames, textRootName, type TextName } from '../../core/dao/dao-doc.ts';
import { deviceSealer, type EnvelopeSealer } from '../../core/dao/envelope.ts';
import { listsDep } from '../../core/dao/client-sequence.ts';
import { nodeClaimMessage } from '../../core/dao/device-delegation.ts';
import { applyTextSplices, planTextEdit } from '../../core/dao/text-edit.ts';
import { DaomeshError } from '../../core/errors.ts';
import {
  buildDeviceDelegation,
  buildGenesis,
  buildGroupKey,
  buildInviteRevocation,
  buildProposal,
  buildRagequit,
  buildTallySignature,
  buildVote,
  buildWithdrawal,
  type GroupKeyInput,
  type RecordContext,
} from '../../core/governance/record-builders.ts';
import type { Certificate } from '../../core/governance/certificate.ts';
import { heldParentsReason, type HeldBack } from '../../core/governance/dao-ledger.ts';
import type { Rules } from '../../core/governance/rules.ts';
import { checksumAddress, type MemberKey } from '../../core/identity/member-key.ts';
import { addressBytes, maxDeps, recordHashFromId, signRecordAsDevice, signRecordAsMember, type LedgerRecord, type UnsignedRecord } from '../../core/ledger/record.ts';
import type { Ed25519Verify } from '../../core/ledger/verifier.ts';
import { createInvite, type Invite } from '../../core/sync/invite.ts';
import { presetRules } from '../../core/bridge/preset-modes.ts';
import { DaoReplica, notFound, type DaoReplicaOptions, type RemoteOutcome } from './dao-replica.ts';
import { StorageError } from './envelope-log.ts';
import { deriveDeviceSigner, loadOrCreateDeviceSalt } from './device-signer.ts';
import type { NativeEd25519Signer } from './native-ed25519.ts';

/** setTimeout's longest delay. */
const maxTimerMs = 2 ** 31 - 1;

/** How long each online member's node gives the one before it to write a record that any of them could write. */
const defaultTurnMs = 3000;

/**
 * The longest a node waits before it looks at its clock again for held records (#planRelease). A timer runs on
 * the monotonic clock: one planned by a clock that NTP then moves forward (or across a sleep) would still wait
 * the whole old delay, holding back records the clock has long reached.
 */
const defaultReleaseCheckMs = 60_000;

/**
 * The order in which members' nodes take turns at writing a record that one of them should write (the one that
 * executes what came due, the one that anchors concurrent signatures, a group key): by SHA-256 of what it is
 * about and the node's name, so every node that agrees on both agrees on the order, and the first turn moves
 * from node to node.
 */
export function turnOrder(subject: string, nodes: readonly string[]): string[] {
  const rank = new Map(nodes.map((node) => [node, bytesToHex(sha256(utf8ToBytes(`daomesh turn|${subject}|${node}`)))]));
  return [...rank.keys()].sort((a, b) => (rank.get(a)! < rank.get(b)! ? -1 : 1));
}

/** A node of the DAO that this one reaches: its name (the libp2p peer id) and the member whose device it is. */
export type OnlineNode = { readonly node: string; readonly member: string };

/** What the turns to execute what came due at `due` are about. */
export function executionSubject(due: number): string {
  return `execution|${due}`;
}

/** The earliest execution time of the DAO's passed proposals not executed yet, or null for none. */
function nextExecution(replica: DaoReplica, now: number): number | null {
  let next: number | null = null;
  for (const proposal of replica.ledger.state(now).proposals) {
    if (proposal.status === 'passed' && proposal.executesAt !== null && (next === null || proposal.executesAt < next)) next = proposal.executesAt;
  }
  return next;
}

function textName(name: string): TextName {
  if (!isTextName(name)) throw new DaomeshError('BAD_REQUEST', `Not a text of a DAO: ${name.slice(0, 80)}.`, "Use 'charter' or 'draft:<id>'.");
  return name;
}

export type DaoServiceOptions = {
  dataDir: string;
  verify: Ed25519Verify;
  /** The unlocked member key, or a thrown NO_IDENTITY / IDENTITY_LOCKED. */
  memberKey: () => MemberKey;
  /** The member address, also while locked (for views). */
  memberAddress: () => string | null;
  onChanged: (dao: string) => void;
  /** This host's libp2p peer id (multihash bytes), named in its device delegations so peers sync with it. */
  nodeId?: Uint8Array;
  /** Signs with this node's libp2p key (the one `nodeId` names), so that peers take the node as this member's. */
  proveNode?: (message: Uint8Array) => Uint8Array;
  now?: () => number;
  /**
   * How long after accepting envelopes the node checks for certificates to anchor (default 200-600 ms); also how
   * long after a change it looks for the next execution, and how long past its turn to write an execution's
   * record it waits (default up to 0.5 s).
   */
  anchorDelayMs?: number;
  /** Write a record once a passed proposal's grace period is over, so that it executes (default true; see #execute). */
  executeWhenDue?: boolean;
  /**
   * The DAO's nodes this node reaches now (the DAO's presence). Those of current members take turns with this
   * one (turnOrder, by node, so that two devices of one member take two turns) at writing an execution's record,
   * an anchoring record and a group key, so that one node writes each rather than all of them. Left out: this
   * node takes the first turn.
   */
  onlineNodes?: (dao: string) => readonly OnlineNode[];
  /** This node's name among the online nodes (its libp2p peer id); left out: its member's address. */
  nodeName?: string;
  /** How long each turn lasts (default 3 s): a node writes only once the nodes before it had theirs. */
  turnMs?: number;
  /** How often, at most, a node with held records looks at its clock again (default a minute; see defaultReleaseCheckMs). */
  releaseCheckMs?: number;
  /** Where failures that no caller awaits are told (a DAO's snapshot taken by its timer). */
  log?: (line: string) => void;
};

/** What this node will not sign, so that a DAO's count of results to sign leaves it out (#refuseUnseenVote). */
function signingLimits(replica: DaoReplica): SigningLimits {
  return { refusesToSign: (proposal, votingEndsAt) => receivedLate(replica, proposal, votingEndsAt) };
}

/** Whether this node first received the proposal after its voting period ended (unknown arrivals are not late). */
function receivedLate(replica: DaoReplica, proposal: string, votingEndsAt: number): boolean {
  return (replica.arrivalOf(proposal) ?? Number.NEGATIVE_INFINITY) > votingEndsAt;
}

export class DaoService {
  readonly #options: DaoServiceOptions;
  readonly #daosDir: string;
  readonly #replicas = new Map<string, DaoReplica>();
  #salt: Uint8Array | null = null;
  #signer: { address: string; signer: NativeEd25519Signer } | null = null;
  /** Local writes one at a time, so each record's deps are the heads the previous one left. */
  #writing: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** DAOs with an anchoring check due (see #anchor), and how often each certificate was anchored here. */
  readonly #anchorTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #anchored = new Map<string, number>();
  /** DAOs whose node waited its turn to anchor, and what it waited to anchor. */
  readonly #anchorTurns = new Map<string, string>();
  /** DAOs with a look for their next execution pending (after a change), and the timer of each one's next execution. */
  readonly #executionChecks = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #executionTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per DAO, the look for held records (claiming a time ahead of this clock) that may come in (#planRelease). */
  readonly #releaseTimers = new Map<string, ReturnType<typeof setTimeout>>();

  readonly #unopenable = new Map<string, DaomeshError>();

  private constructor(options: DaoServiceOptions) {
    this.#options = options;
    this.#daosDir = join(options.dataDir, 'daos');
  }

  static async open(options: DaoServiceOptions): Promise<DaoService> {
    const service = new DaoService(options);
    const ids = await readdir(service.#daosDir).catch(() => [] as string[]);
    for (const id of ids.filter((name) => /^[A-Za-z0-9_-]{43}$/.test(name)).sort()) {
      try {
        const { replica } = await DaoReplica.open(service.#daosDir, id, options.verify, service.#replicaOptions());
        service.#replicas.set(id, replica);
        service.#scheduleExecutionCheck(id);
        service.#planRelease(id);
      } catch (error) {
        // One DAO's damaged files must not keep the node, and every other DAO, from starting.
        const failure = unopenableError(id, error);
        service.#unopenable.set(id, failure);
        options.log?.(`${failure.message} ${failure.hint ?? ''}`.trim());
      }
    }
    return service;
  }

  /** DAOs whose files are here but could not be opened, with why: each is refused with its error until fixed. */
  unopenable(): Array<{ dao: string; error: DaomeshError }> {
    return [...this.#unopenable].map(([dao, error]) => ({ dao, error }));
  }

  list(): DaoSummary[] {
    const me = this.#options.memberAddress();
    return [...this.#replicas.values()]
      .map((replica) => ({ replica, state: replica.ledger.state(this.#now()) }))
      .filter(({ state }) => state.ready)
      .map(({ replica, state }) => daoSummary(state, me, signingLimits(replica)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): DaoView {
    const replica = this.#replica(id);
    const state = replica.ledger.state(this.#now());
    if (!state.ready) throw notFound(id);
    return daoView(state, this.#options.memberAddress(), this.#now(), signingLimits(replica));
  }

  /** The records the DAO ignores, with why: `limit` from `offset` in canonical order, and how many there are. */
  evidence(id: string, offset: number, limit: number): { total: number; offset: number; evidence: DaoView['evidence'] } {
    const state = this.#replica(id).ledger.state(this.#now());
    if (!state.ready) throw notFound(id);
    return { total: state.evidenceCount, offset, evidence: evidencePage(state, offset, limit) };
  }

  /** What a replica whose Yjs state vector is `stateVector` lacks of this DAO's document (dao.sync). */
  sync(params: BridgeParams<'dao.sync'>): BridgeResult<'dao.sync'> {
    const replica = this.#replica(params.dao);
    const stateVector = base64.decode(params.stateVector);
    try {
      Y.decodeStateVector(stateVector);
    } catch {
      throw new DaomeshError('BAD_REQUEST', 'The state vector of dao.sync does not decode.', 'Send Y.encodeStateVector of the replica, in base64.');
    }
    const update = Y.encodeStateAsUpdate(replica.doc, stateVector);
    // Node's own base64: a first sync of a large DAO is tens of megabytes, which the pure-JS encoder takes a
    // second over (40 MB at 100k records), holding up everything else the host does.
    return { update: Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('base64') };
  }

  replica(id: string): DaoReplica | undefined {
    return this.#replicas.get(id);
  }

  /** Whether this node's member was a member of the DAO and is no longer (left, or was removed), by the records held here. */
  memberLeft(id: string): boolean {
    return this.leaver(id) !== null;
  }

  /** This node's member, when they have left the DAO or were removed; null otherwise. */
  leaver(id: string): string | null {
    const me = this.#options.memberAddress();
    const replica = this.#replicas.get(id);
    if (me === null || !replica || replica.ledger.size === 0) return null;
    return !replica.isCurrentMember(me) && replica.isMember(me) ? me : null;
  }

  async create(params: BridgeParams<'dao.create'>): Promise<BridgeResult<'dao.create'>> {
    const key = this.#options.memberKey();
    // One address in two spellings (cases) is one founder: listed twice, the genesis would count for nobody.
    const founders = [...new Set([key.address, ...(params.founders ?? [])].map(checksumAddress))];
    const rules: Rules = { ...presetRules[params.preset](founders.length) };
    if (params.memberCap !== undefined) rules.memberCap = params.memberCap;
    if (params.votingPeriodMs !== undefined) rules.votingPeriodMs = params.votingPeriodMs;
    if (params.gracePeriodMs !== undefined) rules.gracePeriodMs = params.gracePeriodMs;
    if (params.votingByKind !== undefined) rules.votingByKind = votingByKindFromView(params.votingByKind);
    const now = this.#now();
    const genesis = signRecordAsMember(
      buildGenesis({ author: key.address, name: params.name, charter: params.charter ?? '', founders, rules, nonce: randomBytes(16), time: now }),
      key.privateKey,
    );
    return await this.#serially(async () => {
      const { replica } = await DaoReplica.open(this.#daosDir, genesis.id, this.#options.verify, this.#replicaOptions());
      let signer: NativeEd25519Signer;
      let delegation: LedgerRecord;
      try {
        signer = await this.#deviceSigner(key);
        delegation = this.#delegation({ dao: genesis.id, author: key.address, deps: [genesis.id], time: now }, key, signer.publicKey);
        // A genesis the fold would ignore (say more founders than the member cap) makes no DAO: nothing is kept.
        refuseIgnored(replica, [genesis]);
      } catch (error) {
        await replica.close().catch(() => undefined);
        await rm(DaoReplica.directory(this.#daosDir, genesis.id), { recursive: true, force: true });
        throw error;
      }
      this.#replicas.set(genesis.id, replica);
      // Sealed by the device key it delegates (the gate finds the delegation in the update): peers check one
      // Ed25519 signature instead of recovering a second secp256k1 one, ~1.3 ms each in pure JS.
      await writeOwn(replica, [genesis, delegation], deviceSealer(genesis.id, key.address, { key: signer.publicKey, delegation: delegation.hash }, signer.sign));
      this.#changed(genesis.id);
      return { dao: genesis.id };
    });
  }

  async propose(params: BridgeParams<'dao.propose'>): Promise<BridgeResult<'dao.propose'>> {
    const id = await this.#write(params.dao, (context, replica) => {
      const { kind, ...rest } = params.params;
      let typed: unknown = rest;
      if (kind === 'rules.change') {
        const rules = replica.ledger.state(this.#now()).rules;
        if (!rules) throw notFound(params.dao);
        typed = { change: rulesChangeFromView(rules, params.params.rules) };
      } else if (kind === 'member.add') {
        typed = { member: params.params.member, shares: BigInt(params.params.shares) };
      } else if (kind === 'reputation.grant') {
        typed = { member: params.params.member, points: BigInt(params.params.points) };
      } else if (kind === 'member.remove') {
        // A member being removed may write nothing but a rage quit, so the only member's removal would pass and
        // never execute (no one left to write the record that carries it out): the DAO would be stuck.
        const { members } = replica.ledger.state(this.#now());
        if (members.length === 1 && members[0]!.address.toLowerCase() === params.params.member.toLowerCase()) {
          throw new DaomeshError('RECORD_REJECTED', 'Removing the only member would leave nobody to carry the removal out.', 'To leave the DAO, rage quit: you leave with your share of the books.');
        }
      }
      return buildProposal(context, { kind, params: typed, title: params.title });
    });
    return { proposal: id };
  }

  async vote(params: BridgeParams<'dao.vote'>): Promise<BridgeResult<'dao.vote'>> {
    this.#proposal(params.dao, params.proposal);
    const record = await this.#write(params.dao, (context) =>
      buildVote(context, { proposal: params.proposal, choice: params.choice, ...(params.votes === undefined ? {} : { votes: params.votes }) }),
    );
    return { record };
  }

  async signTally(params: BridgeParams<'dao.signTally'>): Promise<BridgeResult<'dao.signTally'>> {
    this.#proposal(params.dao, params.proposal);
    this.#refuseUnseenVote(params.dao, params.proposal);
    const record = await this.#write(params.dao, (context, replica) => {
      const proposal = replica.ledger.proposeCertificate(params.proposal, context.time);
      if (!proposal.ok) throw new DaomeshError('CANNOT_SIGN_TALLY', `The result cannot be signed: ${proposal.problem}.`);
      return buildTallySignature(context, proposal.certificate);
    });
    return { record };
  }

  /**
   * A proposal can claim an old time on old deps and reach its deadline before anyone sees it: every vote on it
   * is then late, and under lazy consensus it passes with none. The fold cannot tell (claimed times are all it
   * has); this node can, and does not sign the result of a proposal it first received after its voting period.
   * Arrivals are known from when a node first kept them (DaoReplica.arrivalOf).
   */
  #refuseUnseenVote(dao: string, proposal: string): void {
    const late = this.lateArrival(dao, proposal);
    if (late === null) return;
    throw new DaomeshError(
      'CANNOT_SIGN_TALLY',
      `This node first received the proposal at ${new Date(late.receivedAt).toISOString()}, after its voting period had ended (${new Date(late.votingEndsAt).toISOString()}): nobody here could vote on it, so this node does not sign its result.`,
      'If the proposal is genuine, its author can make it again.',
    );
  }

  /** When this node first received the proposal and when its voting ended, if the first came after the second (dao.signingRefusal). */
  lateArrival(dao: string, proposal: string): { receivedAt: number; votingEndsAt: number } | null {
    const replica = this.#replica(dao);
    // No arrival known (held before arrivals were kept): not late, and no state to work out.
    if (replica.arrivalOf(proposal) === undefined) return null;
    const votingEndsAt = replica.ledger.state(this.#now()).proposals.find((entry) => entry.id === proposal)?.votingEndsAt;
    return votingEndsAt !== undefined && receivedLate(replica, proposal, votingEndsAt) ? { receivedAt: replica.arrivalOf(proposal)!, votingEndsAt } : null;
  }

  async withdraw(params: BridgeParams<'dao.withdraw'>): Promise<BridgeResult<'dao.withdraw'>> {
    this.#proposal(params.dao, params.proposal);
    return {
      record: await this.#write(params.dao, (context, replica) => {
        // The fold takes a second withdrawal without effect but as valid (it changes nothing): written, it would
        // only be a record more for every member to carry, and a "withdrawn" that means nothing.
        const status = replica.ledger.state(this.#now()).proposals.find((entry) => entry.id === params.proposal)?.status;
        if (status === 'withdrawn') throw new DaomeshError('RECORD_REJECTED', 'The proposal is withdrawn already.');
        return buildWithdrawal(context, params.proposal);
      }),
    };
  }

  async rageQuit(params: BridgeParams<'dao.rageQuit'>): Promise<BridgeResult<'dao.rageQuit'>> {
    const record = await this.#write(params.dao, (context) => buildRagequit(context));
    const exit = this.#replica(params.dao).ledger.state(this.#now()).exits.find((candidate) => candidate.source === record);
    return { record, exit: exit === undefined ? null : exitView(exit) };
  }

  /**
   * Edits a collaborative text of the DAO: the splices become one Yjs update, sealed by this device (delegating it
   * in the same envelope on its first write here), made durable, gossiped and announced like any local write.
   */
  async editText(params: BridgeParams<'dao.editText'>): Promise<BridgeResult<'dao.editText'>> {
    const name = textName(params.text);
    const key = this.#options.memberKey();
    const replica = this.#currentMemberReplica(params.dao, key);
    return await this.#serially(async () => {
      const signer = await this.#deviceSigner(key);
      // Planned and written in one tick: nothing else touches the doc in between (remote envelopes apply synchronously too).
      const plan = planTextEdit(replica.doc, name, params.ops.map((op) => ({ at: op.at, delete: op.delete ?? 0, insert: op.insert ?? '' })));
      if (plan.splices.length === 0) return { length: plan.lengthBefore };
      const { records, delegation } = this.#delegated(replica, key, signer, this.#now());
      const device = { key: signer.publicKey, delegation: recordHashFromId(delegation) };
      await writeOwn(replica, records, deviceSealer(params.dao, key.address, device, signer.sign), (doc) => applyTextSplices(doc, plan));
      this.#changed(params.dao);
      return { length: daoText(replica.doc, name).length };
    });
  }

  /** A collaborative text as this host holds it ('' for one nobody wrote yet). */
  text(params: BridgeParams<'dao.text'>): BridgeResult<'dao.text'> {
    const doc = this.#replica(params.dao).doc;
    const name = textName(params.text);
    // Asking for a text nobody wrote must not create its root here.
    return { text: doc.share.has(textRootName(name)) ? daoText(doc, name).toString() : '' };
  }

  /** The DAO's texts that hold something. */
  texts(params: BridgeParams<'dao.texts'>): BridgeResult<'dao.texts'> {
    const doc = this.#replica(params.dao).doc;
    return textNames(doc)
      .map((name) => ({ name, length: daoText(doc, name).length }))
      .filter((text) => text.length > 0);
  }

  /** Opens (or creates, empty) the replica of a DAO this host is about to receive by sync. */
  async hold(dao: string): Promise<DaoReplica> {
    const held = this.#replicas.get(dao);
    if (held) return held;
    const failure = this.#unopenable.get(dao);
    if (failure) throw failure;
    return await this.#serially(async () => {
      const existing = this.#replicas.get(dao);
      if (existing) return existing;
      const { replica } = await DaoReplica.open(this.#daosDir, dao, this.#options.verify, this.#replicaOptions());
      this.#replicas.set(dao, replica);
      return replica;
    });
  }

  /** Every DAO replica held, including ones still waiting for their genesis. */
  held(): string[] {
    return [...this.#replicas.keys()];
  }

  /** An envelope from a peer, through the replica's gate; the UI hears of it when it changed something. */
  async acceptRemote(dao: string, bytes: Uint8Array): Promise<RemoteOutcome> {
    const outcome = await this.#replica(dao).acceptRemote(bytes);
    // Any accepted envelope is news (repeats never get here): records, or a text edit that adds none.
    if (outcome.ok) this.#changed(dao);
    if (outcome.ok && outcome.records.length > 0) this.#scheduleAnchor(dao);
    return outcome;
  }

  /** A catch-up frame of envelopes through the replica's gate, made durable with one log append. */
  async acceptRemoteMany(dao: string, envelopes: readonly Uint8Array[]): Promise<RemoteOutcome[]> {
    const outcomes = await this.#replica(dao).acceptRemoteMany(envelopes);
    if (outcomes.some((outcome) => outcome.ok)) this.#changed(dao);
    if (outcomes.some((outcome) => outcome.ok && outcome.records.length > 0)) this.#scheduleAnchor(dao);
    return outcomes;
  }

  /**
   * Makes sure this device is delegated (naming this node) in every DAO where the unlocked member is a member,
   * so that the DAO's other nodes sync with it. Writes nothing where a delegation exists. Returns the DAOs written to.
   */
  async announceDevice(): Promise<string[]> {
    const key = this.#unlockedKey();
    if (key === null) return []; // locked or no identity: nothing to announce yet
    // Called when the identity unlocks: executions that came due, and certificates that waited for an anchor, while
    // it was locked can be written now (nothing else would look again until more envelopes came).
    for (const dao of this.#replicas.keys()) {
      this.#scheduleExecutionCheck(dao);
      this.#scheduleAnchor(dao);
    }
    const signer = await this.#deviceSigner(key);
    const written: string[] = [];
    for (const [dao, replica] of this.#replicas) {
      if (replica.ledger.size === 0 || replica.delegationOf(key.address, signer.publicKey) !== undefined) continue;
      if (!replica.isCurrentMember(key.address)) continue;
      await this.#serially(async () => {
        if (replica.delegationOf(key.address, signer.publicKey) !== undefined) return;
        const delegation = this.#delegation({ ...onTop(replica, signer), dao, author: key.address, time: this.#now() }, key, signer.publicKey);
        await writeOwn(replica, [delegation], deviceSealer(dao, key.address, { key: signer.publicKey, delegation: delegation.hash }, signer.sign));
        written.push(dao);
        this.#changed(dao);
      });
    }
    return written;
  }

  /** Signs an invite code with this device's delegated key (delegating it first if this is its first act here). */
  async createInvite(dao: string, expiresInMs: number, addrs: readonly string[]): Promise<{ code: string; invite: Invite }> {
    const key = this.#options.memberKey();
    const replica = this.#replica(dao);
    if (!replica.isCurrentMember(key.address)) {
      throw new DaomeshError('NOT_A_MEMBER', `${key.address} is not a member of this DAO.`, 'Only members can invite.');
    }
    await this.announceDevice();
    const signer = await this.#deviceSigner(key);
    if (replica.delegationOf(key.address, signer.publicKey) === undefined) throw new DaomeshError('INTERNAL', 'This device could not be delegated.');
    return createInvite(
      { dao, inviter: key.address, device: signer.publicKey, addrs, expires: this.#now() + expiresInMs, exits: replica.ledger.governanceState().exits.length, nonce: randomBytes(16) },
      (message) => signer.sign(message),
    );
  }

  /** Writes a `group.key` record (a group key sealed to members; electron-main/host/group-keys.ts says when). */
  async writeGroupKey(dao: string, input: GroupKeyInput): Promise<string> {
    return await this.#write(dao, (context) => buildGroupKey(context, input));
  }

  /**
   * How long this node waits for its turn at writing what `subject` names, a record that any current member's
   * node could write (a group key for a new membership epoch), or any of `writers`' (boxes of a key, by those
   * who hold it): see #turnWait. 0 while locked or for a DAO not held, where it writes nothing anyway.
   */
  turnWait(dao: string, subject: string, writers?: readonly string[]): number {
    const replica = this.#replicas.get(dao);
    const key = this.#unlockedKey();
    return replica === undefined || key === null ? 0 : this.#turnWait(dao, replica, key.address, subject, writers);
  }

  /** Writes an `invite.revoke` record: every node of the DAO refuses the invite from then on. */
  async revokeInvite(dao: string, invite: string): Promise<string> {
    return await this.#write(dao, (context) => buildInviteRevocation(context, invite));
  }

  /** Closes and deletes the replica of a DAO that holds nothing yet (a join that failed): nothing follows it after. */
  async forgetEmpty(dao: string): Promise<boolean> {
    return await this.#serially(async () => {
      const replica = this.#replicas.get(dao);
      if (!replica || replica.ledger.size > 0 || replica.ledger.pendingIds().length > 0) return false;
      this.#replicas.delete(dao);
      await replica.close();
      await rm(DaoReplica.directory(this.#daosDir, dao), { recursive: true, force: true });
      return true;
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timers of [this.#anchorTimers, this.#executionChecks, this.#executionTimers, this.#releaseTimers]) {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    }
    await this.#writing.catch(() => {});
    for (const replica of this.#replicas.values()) await replica.close();
    this.#replicas.clear();
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** How this service opens a DAO's replica: its log and its clock. */
  #replicaOptions(): DaoReplicaOptions {
    return { log: this.#options.log, now: () => this.#now() };
  }

  /** The member key while the identity is unlocked; null while it is locked or there is none. */
  #unlockedKey(): MemberKey | null {
    try {
      return this.#options.memberKey();
    } catch {
      return null;
    }
  }

  /**
   * One anchoring check per burst of accepted envelopes: the first schedules it, the rest of the burst joins it
   * (as does a burst while this node waits for its turn, #anchor).
   */
  #scheduleAnchor(dao: string, afterMs = 0): void {
    if (this.#closed || this.#anchorTimers.has(dao)) return;
    // A little jitter, so that two nodes that received each other's signatures do not both anchor at once.
    const delay = afterMs + (this.#options.anchorDelayMs ?? 200 + Math.floor(Math.random() * 400));
    const timer = setTimeout(() => {
      this.#anchorTimers.delete(dao);
      this.#serially(() => this.#anchor(dao)).catch(() => {});
    }, delay);
    timer.unref?.();
    this.#anchorTimers.set(dao, timer);
  }

  /**
   * Certificates with enough signatures that no record has all of in its causal past (signed concurrently) are
   * not final until some record has them all (core/governance/README.md). A current member's node writes one
   * record on top of its heads, which finalizes all of them at once: the identical certificate signed again if
   * this member signed it (never equivocation); else the certificate signed, if it is exactly the one this
   * member would sign and they signed no other; else this device's delegation, again (the one record kind a
   * member may always write that changes no governance state). Each is judged first, like every local write.
   * The members' nodes that reach each other take turns (#turnWait), as for executions: the first to anchor a set
   * of certificates writes, and the others, finding them final when their turn comes, write nothing.
   * It never loops: once written, the certificates are final here, and each is anchored at most twice per run.
   */
  async #anchor(dao: string): Promise<void> {
    const replica = this.#replicas.get(dao);
    const key = this.#unlockedKey(); // locked: nothing can be signed
    if (key === null || this.#closed || replica === undefined || !replica.isCurrentMember(key.address)) return;
    const anchorKey = (certificate: Certificate) => `${dao}|${certificate.proposal}|${certificate.outcome}|${certificate.votes.join(',')}`;
    const due = replica.ledger.certificatesToAnchor().filter((certificate) => (this.#anchored.get(anchorKey(certificate)) ?? 0) < 2);
    if (due.length === 0) {
      this.#anchorTurns.delete(dao);
      return;
    }
    const subject = `anchor|${due.map(anchorKey).sort().join(';')}`;
    if (this.#anchorTurns.get(dao) !== subject) {
      const wait = this.#turnWait(dao, replica, key.address, subject);
      if (wait > 0) {
        this.#anchorTurns.set(dao, subject);
        this.#scheduleAnchor(dao, wait);
        return;
      }
    }
    this.#anchorTurns.delete(dao);
    for (const certificate of due) this.#anchored.set(anchorKey(certificate), (this.#anchored.get(anchorKey(certificate)) ?? 0) + 1);

    const me = key.address;
    const time = this.#now();
    const proposals = replica.ledger.state(time).proposals;
    const same = (a: { votes: readonly string[]; outcome: string }, b: Certificate) => a.outcome === b.outcome && a.votes.join() === b.votes.join();
    const signed = (certificate: Certificate) => proposals.find((proposal) => proposal.id === certificate.proposal)?.signatures ?? [];
    const wouldSign = (certificate: Certificate) => {
      const proposed = replica.ledger.proposeCertificate(certificate.proposal, time);
      return proposed.ok && same(proposed.certificate, certificate);
    };
    const candidates = [
      ...due.filter((certificate) => signed(certificate).some((entry) => same(entry, certificate) && entry.signers.includes(me))),
      ...due.filter((certificate) => signed(certificate).every((entry) => !entry.signers.includes(me)) && wouldSign(certificate)),
    ];
    const signer = await this.#deviceSigner(key);
    for (const certificate of candidates) {
      const { records, delegation } = this.#delegated(replica, key, signer, time);
      const device = { key: signer.publicKey, delegation };
      records.push(signRecordAsDevice(buildTallySignature({ ...after(records, replica, signer), dao, author: me, time, device }, certificate), signer.sign));
      if (!replica.ledger.dryRun(records).every((verdict) => verdict.ok)) continue;
      await writeOwn(replica, records, deviceSealer(dao, me, { key: signer.publicKey, delegation: recordHashFromId(delegation) }, signer.sign));
      this.#changed(dao);
      return;
    }
    if (await this.#delegateAgain(dao, replica, key, signer, time)) this.#changed(dao);
  }

  /**
   * Writes this device's delegation again on top of the heads: the one record kind a current member may always
   * write that changes no governance state, for when a record is needed only for what it holds in its past and
   * the time it claims. False when the fold would not take it.
   */
  async #delegateAgain(dao: string, replica: DaoReplica, key: MemberKey, signer: NativeEd25519Signer, time: number): Promise<boolean> {
    const again = this.#delegation({ ...onTop(replica, signer), dao, author: key.address, time }, key, signer.publicKey);
    if (!replica.ledger.dryRun([again]).every((verdict) => verdict.ok)) return false;
    await writeOwn(replica, [again], deviceSealer(dao, key.address, { key: signer.publicKey, delegation: again.hash }, signer.sign));
    return true;
  }

  /** Tells the UI, and looks again for the DAO's next execution and for when held records may come in. */
  #changed(dao: string): void {
    this.#options.onChanged(dao);
    this.#scheduleExecutionCheck(dao);
    this.#planRelease(dao);
  }

  /**
   * The records of `dao` this node holds back for claiming a time too far ahead of its clock (DaoLedger.heldBack):
   * a member's clock running ahead, or this one behind. They come in when this clock gets close enough.
   */
  heldBack(dao: string): HeldBack | null {
    return this.#replicas.get(dao)?.ledger.heldBack() ?? null; // the genesis itself may be held: a DAO still to come
  }

  /** Sets the DAO's timer for when its first held record may come in (nothing else would take it in, in a quiet DAO). */
  #planRelease(dao: string, atLeastMs = 0): void {
    clearTimeout(this.#releaseTimers.get(dao));
    this.#releaseTimers.delete(dao);
    const held = this.#closed ? null : (this.#replicas.get(dao)?.ledger.heldBack() ?? null);
    if (held === null) return;
    // A long wait is taken in steps, each of which reads the clock again.
    const timer = setTimeout(() => {
      this.#releaseTimers.delete(dao);
      const replica = this.#replicas.get(dao);
      // A stopped replica takes nothing in until the node opens it again: no looks every second meanwhile.
      if (this.#closed || replica === undefined || replica.stopped) return;
      let released = 0;
      try {
        released = replica.releaseHeld();
      } catch (error) {
        this.#options.log?.(`taking in held records of DAO ${dao}: ${String(error)}`); // a bug: the next look tries again
      }
      if (released > 0) {
        this.#changed(dao);
        this.#scheduleAnchor(dao);
      } else {
        this.#planRelease(dao, 1000); // none came in (a clock set back): not in a tight loop
      }
    }, Math.min(this.#options.releaseCheckMs ?? defaultReleaseCheckMs, Math.max(atLeastMs, held.releasesAt - this.#now())));
    timer.unref?.();
    this.#releaseTimers.set(dao, timer);
  }

  /** One look for the next execution per burst of changes: a catch-up changes a DAO many times a second. */
  #scheduleExecutionCheck(dao: string): void {
    if (this.#closed || this.#options.executeWhenDue === false || this.#executionChecks.has(dao)) return;
    const timer = setTimeout(() => {
      this.#executionChecks.delete(dao);
      this.#planExecution(dao);
    }, this.#options.anchorDelayMs ?? 500);
    timer.unref?.();
    this.#executionChecks.set(dao, timer);
  }

  /** Sets the DAO's timer for the earliest execution time of its passed proposals, a little past it. */
  #planExecution(dao: string): void {
    const replica = this.#replicas.get(dao);
    if (this.#closed || replica === undefined || replica.ledger.size === 0) {
      this.#executeAt(dao, null);
      return;
    }
    this.#executeAt(dao, nextExecution(replica, this.#now()));
  }

  /** Runs #execute a little past `time` (null: never), in place of the DAO's earlier plan. */
  #executeAt(dao: string, time: number | null): void {
    clearTimeout(this.#executionTimers.get(dao));
    this.#executionTimers.delete(dao);
    if (time === null || this.#closed) return;
    const jitter = this.#options.anchorDelayMs ?? Math.floor(Math.random() * 500);
    // Timers take at most ~24.8 days; a longer wait is taken in steps (#execute plans again when nothing is due).
    const delay = Math.min(maxTimerMs, Math.max(0, time - this.#now()) + jitter);
    const timer = setTimeout(() => {
      this.#executionTimers.delete(dao);
      this.#serially(() => this.#execute(dao)).catch((error: unknown) => this.#options.log?.(`executing in DAO ${dao}: ${String(error)}`));
    }, delay);
    timer.unref?.();
    this.#executionTimers.set(dao, timer);
  }

  /**
   * How long this node waits for its turn at writing the record `subject` is about: one turn for each current
   * member's node (of `writers`, when given) that it reaches now and that comes before it in turnOrder.
   */
  #turnWait(dao: string, replica: DaoReplica, me: string, subject: string, writers?: readonly string[]): number {
    const name = this.#options.nodeName ?? me;
    const takers = new Set([name]);
    for (const { node, member } of this.#options.onlineNodes?.(dao) ?? []) {
      if (replica.isCurrentMember(member) && (writers === undefined || writers.includes(member))) takers.add(node);
    }
    return turnOrder(subject, [...takers]).indexOf(name) * (this.#options.turnMs ?? defaultTurnMs);
  }

  /**
   * A passed proposal executes in the first record that claims a time past its grace period on top of its final
   * certificate (core/governance/README.md, "Execution and grace"). In a DAO where nobody writes, that record
   * never comes, and its effect (a member, reputation, rules) would wait for whatever is written next. So once
   * one is due, a current member's node writes its device's delegation again, which executes every due proposal
   * at once. The members' nodes that reach each other take turns (#turnWait): the first writes, and the
   * rest, finding the proposal executed when their turn comes, write nothing. Nodes that disagree on who is
   * online may both write; each writes at most one record per due time, since the next look finds it executed.
   */
  async #execute(dao: string): Promise<void> {
    const replica = this.#replicas.get(dao);
    const key = this.#unlockedKey(); // locked: an unlock looks again (announceDevice)
    if (key === null || this.#closed || replica === undefined || !replica.isCurrentMember(key.address)) return;
    const time = this.#now();
    const next = nextExecution(replica, time);
    if (next === null) return;
    const turn = next > time ? next : next + this.#turnWait(dao, replica, key.address, executionSubject(next));
    if (turn > time) {
      this.#executeAt(dao, turn);
      return;
    }
    if (await this.#delegateAgain(dao, replica, key, await this.#deviceSigner(key), time)) this.#changed(dao);
  }

  #replica(id: string): DaoReplica {
    const replica = this.#replicas.get(id);
    if (!replica) throw this.#unopenable.get(id) ?? notFound(id);
    return replica;
  }

  #proposal(dao: string, proposal: string): void {
    // A cheap check (the full state costs a derivation); a record that is not a proposal is refused by the fold.
    if (!this.#replica(dao).ledger.has(proposal)) {
      throw new DaomeshError('PROPOSAL_NOT_FOUND', `The DAO has no proposal ${proposal}.`);
    }
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#writing.then(task, task);
    this.#writing = result.catch(() => {});
    return result;
  }

  async #deviceSigner(key: MemberKey): Promise<NativeEd25519Signer> {
    if (this.#signer?.address !== key.address) {
      this.#salt ??= await loadOrCreateDeviceSalt(this.#options.dataDir);
      this.#signer = { address: key.address, signer: deriveDeviceSigner(key, this.#salt) };
    }
    return this.#signer.signer;
  }

  /** Builds one record on the DAO's current heads, signs it with this device, and writes it. */
  async #write(dao: string, build: (context: RecordContext, replica: DaoReplica) => UnsignedRecord): Promise<string> {
    const key = this.#options.memberKey();
    const replica = this.#currentMemberReplica(dao, key);
    return await this.#serially(async () => {
      const signer = await this.#deviceSigner(key);
      const time = this.#now();
      const { records, delegation } = this.#delegated(replica, key, signer, time);
      const device = { key: signer.publicKey, delegation };
      const record = signRecordAsDevice(build({ ...after(records, replica, signer), dao, author: key.address, time, device }, replica), signer.sign);
      records.push(record);
      refuseIgnored(replica, records);
      await writeOwn(replica, records, deviceSealer(dao, key.address, { key: signer.publicKey, delegation: recordHashFromId(device.delegation) }, signer.sign));
      this.#changed(dao);
      return record.id;
    });
  }

  #currentMemberReplica(dao: string, key: MemberKey): DaoReplica {
    const replica = this.#replica(dao);
    if (!replica.ledger.governanceState().members.has(key.address)) {
      throw new DaomeshError('NOT_A_MEMBER', `${key.address} is not a member of this DAO.`, 'Ask a member to propose adding you.');
    }
    return replica;
  }

  /** The member's delegation of this device, naming this node with the node's own proof when the host gave one. */
  #delegation(context: RecordContext, key: MemberKey, device: Uint8Array): LedgerRecord {
    const { nodeId, proveNode } = this.#options;
    const proof = nodeId && proveNode ? proveNode(nodeClaimMessage(recordHashFromId(context.dao), addressBytes(key.address), device)) : undefined;
    return signRecordAsMember(buildDeviceDelegation(context, device, nodeId, proof), key.privateKey);
  }

  /** This device's delegation in the DAO; on its first write there, the record that delegates it, to go in the same envelope. */
  #delegated(replica: DaoReplica, key: MemberKey, signer: NativeEd25519Signer, time: number): { records: LedgerRecord[]; delegation: string } {
    const delegation = replica.delegationOf(key.address, signer.publicKey);
    if (delegation !== undefined) return { records: [], delegation };
    const delegate = this.#delegation({ ...onTop(replica, signer), dao: replica.id, author: key.address, time }, key, signer.publicKey);
    return { records: [delegate], delegation: delegate.id };
  }
}

/**
 * Writes records this node made. One out of its Yjs client's sequence would be refused by every peer and by this
 * node's own replay of its log (core/dao/client-sequence.ts): refused here instead, before anything is written.
 */
async function writeOwn(replica: DaoReplica, records: readonly LedgerRecord[], sealer: EnvelopeSealer, change?: (doc: Y.Doc) => void): Promise<void> {
  let previous = replica.previousOfWriter(sealer.key);
  for (const record of records) {
    if (previous !== null && !listsDep(record, previous)) {
      throw new DaomeshError('INTERNAL', `Record ${record.id} does not list ${previous}, the record this node's Yjs client wrote before it, among its deps.`);
    }
    previous = record.id;
  }
  await replica.writeLocal(records, sealer, change);
}

/**
 * What a record this device writes next goes on top of: the DAO's heads, and the record its Yjs client wrote
 * last, which peers require among the deps (core/dao/client-sequence.ts).
 */
function onTop(replica: DaoReplica, signer: NativeEd25519Signer): Pick<RecordContext, 'deps' | 'previous'> {
  // The heads that sort last are the ones a record can list (depsOf keeps those).
  return { deps: replica.ledger.heads(maxDeps), previous: replica.previousOfWriter(signer.publicKey) };
}

/** The deps of the next record of one envelope: on top of the one before it, or of the heads for the first. */
function after(records: readonly LedgerRecord[], replica: DaoReplica, signer: NativeEd25519Signer): Pick<RecordContext, 'deps' | 'previous'> {
  const last = records.at(-1);
  return last === undefined ? onTop(replica, signer) : { deps: [last.id], previous: last.id };
}

const recordWords: Record<string, string> = {
  'proposal.create': 'proposal',
  'proposal.withdraw': 'withdrawal',
  vote: 'vote',
  'tally.sign': 'signature of the result',
  'member.ragequit': 'rage quit',
};

/**
 * Throws RECORD_REJECTED, with the fold's reason, when the fold would keep any of `records` only as evidence:
 * a member's own node writes nothing that does not count (DaoLedger.dryRun judges them as the fold will).
 */
function refuseIgnored(replica: DaoReplica, records: readonly LedgerRecord[]): void {
  const verdicts = replica.ledger.dryRun(records);
  verdicts.forEach((verdict, i) => {
    if (verdict.ok) return;
    // Held records keep the whole write out, the device delegation that may go first included: name what was asked for.
    const kind = records[verdict.reason === heldParentsReason ? records.length - 1 : i]!.record.kind;
    // Usually this node's own records, written before NTP set back a clock that ran ahead.
    const hint =
      verdict.reason === heldParentsReason
        ? `Check that this computer's clock is right (set it automatically); \`daomesh dao peers ${replica.id}\` says what is held and how far ahead. Writing works again once the clock gets there.`
        : undefined;
    throw new DaomeshError('RECORD_REJECTED', `The DAO would not count this ${recordWords[kind] ?? kind}: ${verdict.reason}.`, hint);
  });
}

/** The error a DAO that could not be opened is refused with: what failed, and what the user can do. */
function unopenableError(dao: string, error: unknown): DaomeshError {
  const reason = error instanceof Error ? error.message : String(error);
  const hint = error instanceof StorageError && error.hint ? error.hint : `Move ${join('daos', dao)} out of the data directory and join the DAO again from a member's node.`;
  return new DaomeshError('STORAGE_FAILED', `DAO ${dao} could not be opened: ${reason}`, hint);
}
