// Test support (used only by *.test.ts): member nodes as DaoServices in this process, one per key, each with its
// own data directory, whose envelopes are carried to each other the way catch-up sync carries them: by hand
// (carry), or, while `connected`, as soon as a node writes or takes something in.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DaomeshError } from '../../core/errors.ts';
import type { MemberKey } from '../../core/identity/member-key.ts';
import type { DaoReplica } from './dao-replica.ts';
import { DaoService, type DaoServiceOptions, type OnlineNode } from './dao-service.ts';
import { createNativeEd25519Verify } from './native-ed25519.ts';

export type CarriedServices = {
  services: DaoService[];
  /** The DAO whose envelopes are carried: set it once the DAO exists. */
  dao: string;
  /** While true, whatever a node writes or takes in goes to the others at once. */
  connected: boolean;
  /** Members whose identity is locked: their node's memberKey() throws IDENTITY_LOCKED. */
  locked: Set<string>;
  /** Gives `to` every envelope `from` holds that it lacks. */
  carry(from: DaoService, to: DaoService): Promise<void>;
  /** Carries between every pair, once. */
  carryAll(): Promise<void>;
  /** Waits for the carrying under way. */
  carried(): Promise<void>;
};

/** Presence where every node is named by its member's address (one device each) and all of `members` are online. */
export function onlineAs(members: readonly string[]): OnlineNode[] {
  return members.map((member) => ({ node: member, member }));
}

/**
 * Opens one node per key in a fresh directory, closed and removed when the test ends (a key given twice: two
 * devices of one member); `options` adds to (or replaces) each node's defaults.
 */
export async function openCarriedServices(t: TestContext, keys: readonly MemberKey[], options: (key: MemberKey, index: number) => Partial<DaoServiceOptions> = () => ({})): Promise<CarriedServices> {
  const root = await mkdtemp(join(tmpdir(), 'daomesh-services-'));
  const verify = createNativeEd25519Verify();
  const pending: Promise<unknown>[] = [];
  const carry = async (from: DaoService, to: DaoService): Promise<void> => {
    const source = from.replica(mesh.dao)!;
    const target = await (await to.hold(mesh.dao)).envelopeIndex();
    const held = await heldEnvelopes(source);
    const fresh = held.filter((bytes) => !target.hasBytes(bytes));
    if (fresh.length > 0) await to.acceptRemoteMany(mesh.dao, fresh);
  };
  const mesh: CarriedServices = {
    services: [],
    dao: '',
    connected: false,
    locked: new Set(),
    carry,
    async carryAll() {
      for (const from of mesh.services) for (const to of mesh.services) if (from !== to) await carry(from, to);
    },
    async carried() {
      await Promise.all(pending);
    },
  };
  t.after(async () => {
    for (const service of mesh.services) await service.close();
    await rm(root, { recursive: true, force: true });
  });
  for (const [index, key] of keys.entries()) {
    const service: DaoService = await DaoService.open({
      dataDir: join(root, `${index}-${key.address}`),
      verify,
      memberKey: () => {
        if (mesh.locked.has(key.address)) throw new DaomeshError('IDENTITY_LOCKED', 'The identity is locked.');
        return key;
      },
      memberAddress: () => key.address,
      onChanged: () => {
        if (!mesh.connected || mesh.dao === '') return;
        for (const other of mesh.services) if (other !== service) pending.push(carry(service, other));
      },
      ...options(key, index),
    });
    mesh.services.push(service);
  }
  return mesh;
}

/** The envelopes `replica` holds (all of them, or those with `ids`), read from its log in log order. */
export async function heldEnvelopes(replica: DaoReplica, ids?: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const held: Uint8Array[] = [];
  for await (const bytes of replica.envelopes(ids ?? (await replica.envelopeIndex()).ids())) held.push(bytes);
  return held;
}
