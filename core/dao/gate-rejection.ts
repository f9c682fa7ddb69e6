// Why the update gate refused an envelope: a stable code for the host (log it, score the peer, retry later)
// and a sentence a person understands.

export const gateRejectionCodes = [
  /** Envelope or update over the size cap. */
  'TOO_LARGE',
  /** The envelope bytes do not decode as an envelope. */
  'MALFORMED_ENVELOPE',
  /** The envelope is for another DAO. */
  'WRONG_DAO',
  /** The envelope's signature is not its author's (or its device's). */
  'BAD_SIGNATURE',
  /** The envelope's author is not a member, and this is not the genesis envelope of the DAO. */
  'NOT_A_MEMBER',
  /** A device key (of the envelope or of a record) is not delegated to it by the author. */
  'BAD_DELEGATION',
  /**
   * A device key names a delegation this document does not hold and the update does not bring: it may be in
   * another client's update that has not arrived (a host that moved to its next client). Keep it and retry after
   * catch-up, like MISSING_UPDATES; a made-up delegation never comes, and is still refused before any work on the update.
   */
  'MISSING_DELEGATION',
  /** The Yjs update does not decode, or has a shape one local transaction never produces. */
  'MALFORMED_UPDATE',
  /** The update builds on updates this document has not received yet: keep it and retry after catch-up. */
  'MISSING_UPDATES',
  /** The update reuses Yjs positions this document already holds: a duplicate of an applied envelope or a conflicting one. */
  'CLOCK_CONFLICT',
  /** The update writes as a Yjs client that is not one of its signer's (core/dao/yjs-client.ts). */
  'FOREIGN_CLIENT',
  /** An item under a root that is neither the ledger nor a text of the schema. */
  'UNKNOWN_ROOT',
  /** Content a place in the schema does not allow (nested types, subdocuments, embeds, non-binary ledger values...). */
  'FORBIDDEN_CONTENT',
  /** A ledger key that is not the id (hash) of its value. */
  'BAD_LEDGER_KEY',
  /** A ledger value that is not a well-formed record. */
  'BAD_RECORD',
  /** A record of another DAO. */
  'FOREIGN_RECORD',
  /** A record whose author is not the envelope's author. */
  'WRONG_AUTHOR',
  /** A record whose signature does not verify. */
  'BAD_RECORD_SIGNATURE',
  /** A ledger record that does not list, among its deps, the record of its Yjs client's previous ledger item (client-sequence.ts). */
  'OUT_OF_SEQUENCE',
  /** The update sets an existing ledger key to other bytes. */
  'LEDGER_OVERWRITE',
  /** The update deletes a ledger record. */
  'LEDGER_DELETE',
  /** More records in one envelope than the gate verifies at once. */
  'TOO_MANY_RECORDS',
  /**
   * Applying the update would cost Yjs far more than any local transaction does: too many text items, characters
   * or texts, or another copy of a ledger record that has many (integration-cost.ts).
   */
  'TOO_COSTLY',
] as const;

export type GateRejectionCode = (typeof gateRejectionCodes)[number];

export type GateRejection = { readonly code: GateRejectionCode; readonly message: string };

export function rejection(code: GateRejectionCode, message: string): GateRejection {
  return { code, message };
}

/** Thrown inside the gate's passes and turned into a result at its boundary; never leaves the gate. */
export class GateRefusal extends Error {
  readonly rejection: GateRejection;

  constructor(code: GateRejectionCode, message: string) {
    super(message);
    this.name = 'GateRefusal';
    this.rejection = rejection(code, message);
  }
}

/**
 * Refusals the gate gives only once the envelope's signature and its signer's standing have held (a member, or a
 * device key of theirs): refused for what the update does to this document. Between honest nodes that comes of
 * a member's doing, as when they signed two updates at one Yjs place (equivocation) and built on the one this
 * node refused: a node that took them relays them in good faith. The rest may be anyone's bytes.
 */
export function refusedAfterStanding(reason: GateRejection): boolean {
  switch (reason.code) {
    case 'TOO_LARGE':
    case 'MALFORMED_ENVELOPE':
    case 'WRONG_DAO':
    case 'BAD_SIGNATURE':
    case 'NOT_A_MEMBER':
    case 'BAD_DELEGATION':
    case 'MISSING_DELEGATION':
      return false;
    default:
      return true;
  }
}

/** Refusals that may pass later, once catch-up brings what the envelope builds on: its Yjs predecessors, its device's delegation, or the record admitting its author. */
export function waitsForCatchUp(reason: GateRejection): boolean {
  return reason.code === 'MISSING_UPDATES' || reason.code === 'MISSING_DELEGATION' || reason.code === 'NOT_A_MEMBER';
}
