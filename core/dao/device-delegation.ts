// A device delegation: the member key (secp256k1, slow to verify) signs once that a device key (Ed25519, fast)
// may sign records and envelopes for it in one DAO (DESIGN.md §4). Records and envelopes then name the
// delegation's id beside the device key. The body, { device: <32-byte key> }, is the one core/governance's
// record-kinds.ts (deviceBodySchema) validates; the fold also honours `device.revoke`, which the gate leaves to it.
import { compareBytes, type LedgerRecord, type UnsignedRecord } from '../ledger/record.ts';

export const deviceDelegationKind = 'device.delegate';

export type DeviceDelegationParams = {
  dao: Uint8Array;
  /** The member's address, 20 bytes. */
  author: Uint8Array;
  /** The device's Ed25519 public key, 32 bytes. */
  deviceKey: Uint8Array;
  deps: Uint8Array[];
  time: number;
};

/** The unsigned delegation record; sign it with signRecordAsMember (a delegation is never device-signed). */
export function deviceDelegation(params: DeviceDelegationParams): UnsignedRecord {
  return { dao: params.dao, kind: deviceDelegationKind, body: { device: params.deviceKey }, author: params.author, deps: params.deps, time: params.time };
}

/**
 * Why `delegation` does not let `deviceKey` sign for `author` in `dao`, or null when it does. The delegation's
 * own signature is checked by whoever accepted it into the ledger, not here.
 */
export function delegationProblem(delegation: LedgerRecord, dao: Uint8Array, author: Uint8Array, deviceKey: Uint8Array): string | null {
  const record = delegation.record;
  if (record.kind !== deviceDelegationKind) return `record ${delegation.id} is a ${record.kind}, not a ${deviceDelegationKind}`;
  if (record.device) return `delegation ${delegation.id} is signed by a device key, not by the member key`;
  if (record.dao === null || compareBytes(record.dao, dao) !== 0) return `delegation ${delegation.id} is for another DAO`;
  if (compareBytes(record.author, author) !== 0) return `delegation ${delegation.id} was made by ${delegation.author}, not by the signer`;
  const key = record.body.device;
  if (!(key instanceof Uint8Array) || key.length !== 32 || compareBytes(key, deviceKey) !== 0) return `delegation ${delegation.id} is for another device key`;
  return null;
}
