// What catch-up sync and gossip need from this host's DAOs (p2p/dao-sync.ts): who may sync a DAO with us,
// the envelopes we hold, and the gate for what peers send.
//
// A peer is one of a DAO's nodes when a current member named its libp2p peer id in a device delegation (the
// Noise handshake proved the peer id, the member's signature the binding). A device that is not yet a node
// may sync while it shows a valid invite code: signed by a device a current member delegated, unexpired,
// unrevoked; it is then remembered until the invite expires or is revoked. A revocation is an `invite.revoke`
// record any current member may write, so every node of the DAO honours it (and the node that issued the
// invite also from its own book, before the record is anywhere). A node of a former member is refused, invite
// or not: after a removal it must not receive what follows.
import { peerIdFromString } from '@libp2p/peer-id';
import { base64urlnopad } from '@scure/base';
import { DaomeshError } from '../../core/errors.ts';
import { decodeEnvelope, type Envelope } from '../../core/dao/envelope.ts';
import { refusedAfterStanding, waitsForCatchUp, type GateRejection } from '../../core/dao/gate-rejection.ts';
import type { Ed25519Verify } from '../../core/ledger/verifier.ts';
import { maxInviteLifetimeMs, verifyInviteBytes, type Invite } from '../../core/sync/invite.ts';
import type { SyncRefusalCode } from '../../core/sync/sync-messages.ts';
import { inviteRevokeBodySchema } from '../../core/governance/record-kinds.ts';
import { recordIdFromHash } from '../../core/ledger/record.ts';
import { CountingRecords } from './counting-records.ts';
import { EnvelopeIndex } from './envelope-index.ts';
import type { DaoSyncHost, GossipOutcome } from '../../p2p/dao-sync.ts';
import type { AcceptOutcome } from '../../p2p/dao-sync-session.ts';
import type { DaoReplica } from './dao-replica.ts';
import type { DaoService } from './dao-service.ts';
import type { GroupKey } from '../../p2p/gossip-cipher.ts';
import type { GroupKeys } from './group-keys.ts';
import type { InviteBook } from './invite-book.ts';

type Decision = { ok: true } | { ok: false; code: SyncRefusalCode; message: string };

/** Why an invite is not honoured (any more). */
type InviteProblem = { code: 'INVALID_INVITE' | 'INVITE_EXPIRED' | 'INVITE_REVOKED'; message: string; hint?: string };

/** What a node remembers of the invite a device showed it: enough to look at its standing again. */
type ShownInvite = Pick<Invite, 'id' | 'inviter' | 'device' | 'expires' | 'exits'>;

/** Peer ids whose multihash is kept (mayServe and peersOf ask for every connected peer). */
const maxCachedPeerKeys = 4096;

/**
 * Envelopes refused for good that a DAO's sync remembers (past this, the oldest are forgotten). Each is a member's
 * signed envelope, so only a member who equivocates makes them; a few thousand would be a lot.
 */
const maxRefusedForGood = 65_536;

/**
 * Devices let in by an invite that a node remembers per DAO (past this, the oldest are forgotten: they show their
 * invite in every hello until a delegation makes them the DAO's nodes). A code is a bearer capability: without a
 * bound, anyone holding one could make the node remember a new peer id with every connection.
 */
export const maxInviteesPerDao = 1024;

/** How far ahead of this node's clock an inviter's may run. */
const inviterClockSkewMs = 24 * 3600 * 1000;

export class HostSyncStore implements DaoSyncHost {
  readonly #daos: DaoService;
  readonly #verify: Ed25519Verify;
  readonly #invites: InviteBook;
  readonly #keys: GroupKeys;
  readonly #now: () => number;
  /** dao → peer → the invite it showed. */
  readonly #invitees = new Map<string, Map<string, ShownInvite>>();
  readonly #peerKeys = new Map<string, string>();
  readonly #revocations = new CountingRecords('invite.revoke', inviteRevokeBodySchema);
  /**
   * dao → envelopes (by id) that a member signed but that conflict with what this node holds: written as a Yjs
   * client at a clock another envelope of that client already took (CLOCK_CONFLICT; a member who signs two updates
   * at one place, "equivocation", gets one to some nodes and the other to the rest). The gate refuses them for
   * ever; reconciliation counts them as held (envelopeIds), so peers that took the other one stop offering them,
   * and a session does not end over them again and again before the envelopes after them arrive.
   */
  readonly #refusedForGood = new Map<string, Map<string, Uint8Array>>();

  constructor(options: { daos: DaoService; verify: Ed25519Verify; invites: InviteBook; keys: GroupKeys; now?: () => number }) {
    this.#daos = options.daos;
    this.#verify = options.verify;
    this.#invites = options.invites;
    this.#keys = options.keys;
    this.#now = options.now ?? Date.now;
  }

  gossipKey(dao: string): GroupKey | null {
    const replica = this.#daos.replica(dao);
    if (!replica) return null;
    const current = this.#keys.current(replica);
    if (current !== null) return current;
    // This node's member left: it holds no key of the epoch without them, but the DAO's nodes still take its own
    // rage quit sealed with the key of the epoch it left (they hold it, and count the member until they have the
    // record). Without this the rage quit waited for catch-up, and was lost to the others if the node then stopped.
    const leaver = this.#daos.leaver(dao);
    if (leaver === null) return null;
    return this.#keys.ofMembers(replica, [...replica.ledger.governanceState().members.keys(), leaver]);
  }

  gossipKeyById(dao: string, id: Uint8Array): GroupKey | undefined {
    const replica = this.#daos.replica(dao);
    return replica ? this.#keys.byId(replica, id) : undefined;
  }

  departed(dao: string): boolean {
    return this.#daos.memberLeft(dao);
  }

  /** Is this invite revoked, by a record in the DAO's ledger or in this node's own book? */
  isRevoked(replica: DaoReplica, invite: string): boolean {
    if (this.#invites.isRevoked(invite)) return true;
    return this.#revocations.of(replica).some(({ body }) => recordIdFromHash(body.invite) === invite);
  }

  mayServe(dao: string, peer: string, invite?: Uint8Array): Decision {
    const replica = this.#daos.replica(dao);
    if (!replica || replica.ledger.size === 0) return { ok: false, code: 'DAO_NOT_FOUND', message: `This node holds no DAO ${dao}.` };
    const owners = replica.nodeOwners(this.#peerKey(peer));
    if (owners.some((owner) => replica.isCurrentMember(owner))) return { ok: true };
    // The node of someone who was a member and is not any more (removed, or left): no invite brings it back.
    const everMembers = owners.length === 0 ? [] : replica.ledger.everMembers();
    if (owners.some((owner) => everMembers.includes(owner))) {
      return { ok: false, code: 'NOT_A_MEMBER', message: 'This node belongs to someone who is no longer a member.' };
    }
    const invitees = this.#invitees.get(dao) ?? new Map<string, ShownInvite>();
    const shown = invitees.get(peer);
    if (shown !== undefined) {
      // Looked at again each time: the invite may have expired or been revoked since, or its inviter may have
      // left or revoked the device that signed it. An expired one may be followed by a new one.
      const problem = this.#standingProblem(replica, shown);
      if (problem === null) return { ok: true };
      invitees.delete(peer);
      if (problem.code !== 'INVITE_EXPIRED' || invite === undefined) return { ok: false, code: problem.code, message: problem.message };
    }
    if (invite === undefined) return { ok: false, code: 'NOT_A_MEMBER', message: 'This node is not one of the DAO\'s nodes, and showed no invite.' };
    try {
      const { id, inviter, device, expires, exits } = this.checkInvite(replica, invite);
      // Devices come back rarely once they are members' nodes: forget the invitees whose invite has expired.
      const now = this.#now();
      for (const [other, entry] of invitees) if (entry.expires <= now) invitees.delete(other);
      if (invitees.size >= maxInviteesPerDao) invitees.delete(invitees.keys().next().value!);
      // What its standing is looked at by, not the code's bytes and addresses.
      invitees.set(peer, { id, inviter, device, expires, exits });
      this.#invitees.set(dao, invitees);
      return { ok: true };
    } catch (error) {
      if (error instanceof DaomeshError && (error.code === 'INVALID_INVITE' || error.code === 'INVITE_EXPIRED' || error.code === 'INVITE_REVOKED')) {
        return { ok: false, code: error.code, message: error.message };
      }
      return { ok: false, code: 'INVALID_INVITE', message: 'The invite could not be checked.' };
    }
  }

  /** The member whose node `peer` is, if a current member's. */
  memberOf(dao: string, peer: string): string | undefined {
    const replica = this.#daos.replica(dao);
    if (!replica || replica.ledger.size === 0) return undefined;
    return replica.nodeOwners(this.#peerKey(peer)).find((owner) => replica.isCurrentMember(owner));
  }

  /** An invite this DAO honours, or the reason it does not (INVALID_INVITE, INVITE_EXPIRED, INVITE_REVOKED). */
  checkInvite(replica: DaoReplica, bytes: Uint8Array): Invite {
    const invite = verifyInviteBytes(bytes, this.#verify);
    if (invite.dao !== replica.id) throw new DaomeshError('INVALID_INVITE', 'The invite is for another DAO.');
    // No node makes a code that lasts longer (dao.invite); one that would is not this software's.
    if (invite.expires > this.#now() + maxInviteLifetimeMs + inviterClockSkewMs) throw new DaomeshError('INVALID_INVITE', 'The invite claims to last longer than any invite may.');
    const problem = this.#standingProblem(replica, invite);
    if (problem !== null) throw new DaomeshError(problem.code, problem.message, problem.hint);
    return invite;
  }

  /**
   * What may change after an invite was first checked: its signer is a current member whose device's delegation
   * this DAO holds, unrevoked; it has not expired; no member left since it was made; it has not been revoked.
   * The reason it no longer holds, or null.
   */
  #standingProblem(replica: DaoReplica, invite: ShownInvite): InviteProblem | null {
    if (replica.delegationOf(invite.inviter, invite.device) === undefined || !replica.isCurrentMember(invite.inviter)) {
      return { code: 'INVALID_INVITE', message: 'The invite was not signed by a current member\'s device.' };
    }
    if (invite.expires <= this.#now()) return { code: 'INVITE_EXPIRED', message: `The invite expired at ${new Date(invite.expires).toISOString()}.`, hint: 'Ask for a new one.' };
    // A member who left may know codes made while they were in: a departure voids every code made before it.
    if (invite.exits < replica.ledger.governanceState().exits.length) {
      return { code: 'INVITE_REVOKED', message: 'A member left the DAO after this invite was made, which voids it.', hint: 'Ask for a new one.' };
    }
    if (this.isRevoked(replica, invite.id)) return { code: 'INVITE_REVOKED', message: 'The invite was revoked.', hint: 'Ask for a new one.' };
    return null;
  }

  async envelopeIds(dao: string): Promise<Uint8Array[]> {
    const replica = this.#daos.replica(dao);
    if (!replica) return [];
    const ids = (await replica.envelopeIndex()).ids();
    // Not served (envelopes() reads only the log), but not asked for again either.
    for (const id of this.#refusedForGood.get(dao)?.values() ?? []) ids.push(id);
    return ids;
  }

  async *envelopes(dao: string, ids: readonly Uint8Array[]): AsyncIterable<Uint8Array> {
    const replica = this.#daos.replica(dao);
    if (replica) yield* replica.envelopes(ids);
  }

  async accept(dao: string, envelope: Uint8Array): Promise<AcceptOutcome> {
    const outcome = await this.#acceptOne(dao, envelope, false);
    return outcome === 'waiting' ? 'rejected' : outcome;
  }

  async acceptMany(dao: string, envelopes: readonly Uint8Array[]): Promise<AcceptOutcome[]> {
    const replica = this.#daos.replica(dao);
    if (!replica) return envelopes.map(() => 'rejected');
    const index = await replica.envelopeIndex();
    // Repeats (held already, or twice in this frame) are left out before the gate: the log keeps one copy.
    const seen = new Set<number>();
    const inFrame = new Set<string>();
    const fresh: Uint8Array[] = [];
    const result: AcceptOutcome[] = envelopes.map((envelope, i) => {
      const id = EnvelopeIndex.idOf(envelope);
      if (inFrame.has(id) || index.has(id)) return 'held';
      inFrame.add(id);
      seen.add(i);
      fresh.push(envelope);
      return 'accepted';
    });
    const outcomes = await this.#daos.acceptRemoteMany(dao, fresh);
    const refusals = outcomes.map((outcome, i): AcceptOutcome => {
      if (outcome.ok) return 'accepted';
      this.#noteRefusal(dao, fresh[i]!, outcome.reason);
      return refusal(replica, fresh[i]!, outcome.reason);
    });
    let next = 0;
    return result.map((outcome, i) => (seen.has(i) ? refusals[next++]! : outcome));
  }

  #noteRefusal(dao: string, envelope: Uint8Array, reason: GateRejection): void {
    if (reason.code !== 'CLOCK_CONFLICT') return;
    let refused = this.#refusedForGood.get(dao);
    if (refused === undefined) this.#refusedForGood.set(dao, (refused = new Map()));
    const id = EnvelopeIndex.idOf(envelope);
    if (refused.has(id)) return;
    if (refused.size >= maxRefusedForGood) refused.delete(refused.keys().next().value!);
    refused.set(id, base64urlnopad.decode(id));
  }

  /**
   * An envelope from the DAO's gossip. Gossip is the current members' fast path: an envelope by a member who has
   * left, or sealed by a device its member revoked, is refused here ('departed'). A removed member's node keeps
   * its old group keys and, since catch-up refuses it, may not even know it left; a stolen device key comes with
   * the node's files. Without this their text edits (which no fold judges) and records reached every node. (What
   * was written before others saw the departure or the revocation still arrives by catch-up from those who took
   * it in, so every node's document ends the same.)
   */
  async acceptGossip(dao: string, envelope: Uint8Array): Promise<GossipOutcome> {
    const replica = this.#daos.replica(dao);
    if (!replica) return 'rejected';
    const sealed = envelopeSeal(envelope);
    if (sealed === null) return 'rejected';
    const { author, device } = sealed;
    if (replica.isMember(author) && !replica.ledger.governanceState().members.has(author)) return 'departed';
    if (device !== undefined && replica.deviceRevoked(author, device.key, recordIdFromHash(device.delegation))) return 'departed';
    return await this.#acceptOne(dao, envelope, true);
  }

  /** `gossip`: say 'waiting' for an envelope that builds on what has not reached this node (gossip asks for a catch-up). */
  async #acceptOne(dao: string, envelope: Uint8Array, gossip: boolean): Promise<AcceptOutcome | 'waiting'> {
    const replica = this.#daos.replica(dao);
    if (!replica) return 'rejected';
    if ((await replica.envelopeIndex()).hasBytes(envelope)) return 'held';
    const outcome = await this.#daos.acceptRemote(dao, envelope);
    if (outcome.ok) return 'accepted';
    this.#noteRefusal(dao, envelope, outcome.reason);
    // Something this one builds on has not reached us (its Yjs predecessors, its delegation, or the record admitting its author).
    if (gossip && waitsForCatchUp(outcome.reason)) return 'waiting';
    return refusal(replica, envelope, outcome.reason);
  }

  #peerKey(peer: string): string {
    let key = this.#peerKeys.get(peer);
    if (key === undefined) {
      try {
        key = base64urlnopad.encode(peerIdFromString(peer).toMultihash().bytes);
      } catch {
        key = '';
      }
      // Peers come and go, and anyone can connect with a new id: the cache is dropped when it grows large.
      if (this.#peerKeys.size >= maxCachedPeerKeys) this.#peerKeys.clear();
      this.#peerKeys.set(peer, key);
    }
    return key;
  }
}

/**
 * How a refused envelope counts against the peer that sent it: 'conflicting' when a member of the DAO (by this
 * node's ledger), or a device this node holds their delegation of, signed it and the gate refused it only for what
 * it does to this node's copy (refusedAfterStanding); 'rejected' otherwise. Before the genesis is here the gate
 * knows no members, so a signature stands for nobody.
 */
function refusal(replica: DaoReplica, envelope: Uint8Array, reason: GateRejection): 'rejected' | 'conflicting' {
  if (!refusedAfterStanding(reason) || !replica.ledger.has(replica.id)) return 'rejected';
  const sealed = envelopeSeal(envelope);
  if (sealed === null) return 'rejected';
  // The gate looks at a device's update before its delegation when the update may bring it: a key the DAO holds no
  // delegation of stands for nobody yet.
  if (sealed.device !== undefined && replica.delegationOf(sealed.author, sealed.device.key) === undefined) return 'rejected';
  return 'conflicting';
}

/** Who sealed an envelope (its author, and the device key if one signed), or null when the bytes are no envelope (the gate says why, if asked). */
function envelopeSeal(envelope: Uint8Array): Pick<Envelope, 'author' | 'device'> | null {
  try {
    return decodeEnvelope(envelope);
  } catch {
    return null;
  }
}
