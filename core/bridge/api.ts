// The bridge between the UI and the host: one typed interface, carried by Electron IPC or a WebSocket.
// Every method's params and result are schemas, so both ends validate what crosses.
import { z } from 'zod';

export const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an Ethereum address (0x and 40 hex digits)');
export const Passphrase = z.string().min(8, 'a passphrase of at least 8 characters').max(1024);
export const RecoveryPhrase = z.string().min(1).max(1024);

export const Peer = z.object({
  peerId: z.string(),
  addrs: z.array(z.string()),
});
export type Peer = z.infer<typeof Peer>;

export const IdentityState = z.enum(['none', 'locked', 'unlocked']);
export type IdentityState = z.infer<typeof IdentityState>;

export const NodeStatus = z.object({
  version: z.string(),
  identity: IdentityState,
  /** The member address; known while locked too (it is public), null before an identity exists. */
  address: Address.nullable(),
  peerId: z.string(),
  listen: z.array(z.string()),
  peers: z.array(Peer),
  mdns: z.boolean(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

const Empty = z.object({}).strict();

export const bridgeMethods = {
  'node.status': { params: Empty, result: NodeStatus },
  'peers.list': { params: Empty, result: z.array(Peer) },
  /** Makes a new member key; the phrase comes back once so the user can write it down. */
  'identity.create': {
    params: z.object({ passphrase: Passphrase }).strict(),
    result: z.object({ address: Address, phrase: z.string() }),
  },
  'identity.restore': {
    params: z.object({ phrase: RecoveryPhrase, passphrase: Passphrase }).strict(),
    result: z.object({ address: Address }),
  },
  'identity.unlock': {
    params: z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
    result: z.object({ address: Address }),
  },
  'identity.lock': { params: Empty, result: z.object({}) },
  /** Shows the recovery phrase again; asks for the passphrase so an unattended window cannot. */
  'identity.backup': {
    params: z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
    result: z.object({ phrase: z.string() }),
  },
} as const;

export type BridgeMethod = keyof typeof bridgeMethods;
export type BridgeParams<M extends BridgeMethod> = z.input<(typeof bridgeMethods)[M]['params']>;
export type BridgeResult<M extends BridgeMethod> = z.output<(typeof bridgeMethods)[M]['result']>;

export const bridgeEvents = {
  /** Pushed whenever identity, listening addresses or peers change. */
  'node.status': NodeStatus,
} as const;

export type BridgeEvent = keyof typeof bridgeEvents;
export type BridgeEventData<E extends BridgeEvent> = z.output<(typeof bridgeEvents)[E]>;

export function isBridgeMethod(name: unknown): name is BridgeMethod {
  return typeof name === 'string' && Object.hasOwn(bridgeMethods, name);
}

/** What a UI holds: the same shape whether the host sits behind IPC or a WebSocket. */
export interface Bridge {
  call<M extends BridgeMethod>(method: M, params: BridgeParams<M>): Promise<BridgeResult<M>>;
  on<E extends BridgeEvent>(event: E, listener: (data: BridgeEventData<E>) => void): () => void;
}
