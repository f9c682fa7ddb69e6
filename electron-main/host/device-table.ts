// Which device keys a DAO's members delegated and did not revoke, and which libp2p nodes those devices run: what
// catch-up sync asks about a peer and an invite. The table keeps facts (every delegation and revocation record
// seen, with the node a delegation proved) and answers from the fold, so the order the records arrived in does
// not matter. A revocation revokes the delegations in its causal past, as the fold judges it (it is valid only
// for a device delegated, and not yet revoked, in its view). A table replayed in arrival order would let a
// revocation that arrived before the delegation it revokes (records of two Yjs clients, or a doc's records
// listed by client) leave a revoked device delegated.
import type { DaoLedger } from '../../core/governance/dao-ledger.ts';

/** `${author}:${device key hex}`. */
type Device = string;

/** The facts as a snapshot keeps them: [device, delegation id, proven node or null] and [device, revocation id]. */
export type DeviceFacts = { delegations: Array<[Device, string, string | null]>; revocations: Array<[Device, string]> };

export class DeviceTable {
  /** device → delegation id → the node it proved it runs on (base64url multihash), or null. */
  readonly #delegations = new Map<Device, Map<string, string | null>>();
  readonly #revocations = new Map<Device, Set<string>>();
  /** node → delegation id → device: who a peer may be. */
  readonly #claims = new Map<string, Map<string, Device>>();
  /** Live delegations by device, for one fold at one size (verdicts come as records are folded, never change). */
  #live: { ledger: DaoLedger; size: number; byDevice: Map<Device, readonly string[]> } | null = null;

  static fromFacts(facts: DeviceFacts): DeviceTable {
    const table = new DeviceTable();
    for (const [device, id, node] of facts.delegations) table.addDelegation(device, id, node);
    for (const [device, id] of facts.revocations) table.addRevocation(device, id);
    return table;
  }

  addDelegation(device: Device, id: string, node: string | null): void {
    let delegations = this.#delegations.get(device);
    if (delegations === undefined) this.#delegations.set(device, (delegations = new Map()));
    delegations.set(id, node);
    if (node !== null) {
      let claims = this.#claims.get(node);
      if (claims === undefined) this.#claims.set(node, (claims = new Map()));
      claims.set(id, device);
    }
    this.#live = null;
  }

  addRevocation(device: Device, id: string): void {
    let revocations = this.#revocations.get(device);
    if (revocations === undefined) this.#revocations.set(device, (revocations = new Set()));
    revocations.add(id);
    this.#live = null;
  }

  facts(): DeviceFacts {
    return {
      delegations: [...this.#delegations].flatMap(([device, delegations]) => [...delegations].map(([id, node]): [Device, string, string | null] => [device, id, node])),
      revocations: [...this.#revocations].flatMap(([device, ids]) => [...ids].map((id): [Device, string] => [device, id])),
    };
  }

  /**
   * The device's delegation the fold holds valid and no valid revocation of the device saw; undefined if none.
   * Two such (made concurrently, neither seeing the other) give the smaller id: every host answers alike.
   */
  delegationOf(ledger: DaoLedger, device: Device): string | undefined {
    return this.#liveDelegations(ledger, device)[0];
  }

  /** True when `id` is a delegation of `device` this table holds and the device has no live delegation: a valid revocation saw it (or it never counted). */
  outOfUse(ledger: DaoLedger, device: Device, id: string): boolean {
    return this.#delegations.get(device)?.has(id) === true && this.delegationOf(ledger, device) === undefined;
  }

  /** The members whose live delegations proved they run on this node. */
  nodeOwners(ledger: DaoLedger, node: string): string[] {
    const owners = new Set<string>();
    for (const [id, device] of this.#claims.get(node) ?? []) {
      if (this.#liveDelegations(ledger, device).includes(id)) owners.add(device.slice(0, device.indexOf(':')));
    }
    return [...owners].sort();
  }

  /** The device's delegations that are valid and that no valid revocation of the device saw, by id. */
  #liveDelegations(ledger: DaoLedger, device: Device): readonly string[] {
    if (this.#live === null || this.#live.ledger !== ledger || this.#live.size !== ledger.size) this.#live = { ledger, size: ledger.size, byDevice: new Map() };
    const known = this.#live.byDevice.get(device);
    if (known !== undefined) return known;
    const revocations = [...(this.#revocations.get(device) ?? [])].filter((id) => ledger.verdictOf(id)?.ok === true);
    const live = [...(this.#delegations.get(device)?.keys() ?? [])]
      .filter((id) => ledger.verdictOf(id)?.ok === true && !revocations.some((revocation) => ledger.saw(revocation, id)))
      .sort();
    this.#live.byDevice.set(device, live);
    return live;
  }
}
