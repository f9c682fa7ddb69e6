// The libp2p node every DAOmesh host runs: TCP and WebSockets, Noise, Yamux, identify, gossipsub,
// mDNS on the LAN, a bootstrap list, a DAOmesh-only kad-dht for the wider network, and circuit relay v2 for
// peers that cannot be dialled directly (DESIGN.md §5). Gossipsub is constructed here and only here, so that
// swapping the gossipsub/libp2p pair (see TOOLCHAIN.md) is a one-module change.
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { bootstrap } from '@libp2p/bootstrap';
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayService } from '@libp2p/circuit-relay-v2';
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub';
import { identify, type Identify } from '@libp2p/identify';
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface';
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht';
import { mdns } from '@libp2p/mdns';
import { ping, type Ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2pOptions } from 'libp2p';
import { hash } from 'node:crypto';
import type { Peer } from '../core/bridge/api.ts';
import { DaomeshError } from '../core/errors.ts';
import { BoundedDatastore } from './bounded-datastore.ts';

/** mDNS answers only DAOmesh peers, not every libp2p node on the LAN. */
/**
 * The most a peer may have in flight on one stream (yamux's receive window grows to this, 16 MiB by default).
 * yamux grants window as bytes arrive, not as they are read, so a reader that pauses a stream (a sync session
 * whose gate is slower than the link: dao-sync-session.ts) holds up to this much more: kept small per stream.
 */
export const maxStreamWindowBytes = 4 * 1024 * 1024;

export const mdnsServiceTag = '_daomesh._udp.local';

/**
 * DAOmesh nodes keep a DHT of their own rather than joining IPFS's: its records are only ever DAO rendezvous
 * keys, and its peers are the nodes worth relaying for.
 */
export const dhtProtocol = '/daomesh/kad/1.0.0';

/** Listening on this asks any relay we meet for a reservation, so peers that cannot dial us reach us through it. */
export const relayListenAddress = '/p2p-circuit';

/**
 * How many of a DAO's other nodes this node dials on its own (peers named in sync sessions, DHT providers).
 * A DAO of a dozen members stays a full mesh, so presence shows everyone; a larger one is not, since every
 * connection costs pings, streams and gossip heartbeats on both ends. Inbound connections are not refused,
 * and kad-dht's own queries dial whom they like: on a LAN a node's lookups reach most of a DAO's nodes anyway
 * (a newcomer told of 30 by one peer ended with 30 connections, 24 with the DHT off). A bound on our dialling.
 */
export const maxDaoPeers = 24;

export type MeshNodeOptions = {
  privateKey: PrivateKey;
  listen: string[];
  bootstrap: string[];
  mdns: boolean;
  /** How often mDNS queries the LAN, in ms. */
  mdnsInterval?: number;
  /** Which connections to refuse (tests simulate network partitions with it). */
  connectionGater?: ConnectionGater;
  /** Relay connections for other DAOmesh nodes (an always-on node with a public address). */
  relayServer?: boolean;
};

export type MeshServices = { identify: Identify; ping: Ping; pubsub: GossipSub; dht: KadDHT; relay?: CircuitRelayService };
export type MeshNode = Libp2p<MeshServices>;

/** Parses a listen address; a clear error instead of libp2p's for a typo on the command line. */
export function parseListenAddress(address: string): Multiaddr {
  try {
    return multiaddr(address);
  } catch {
    throw new DaomeshError('INVALID_MULTIADDR', `Not a multiaddr: ${address}`, 'Use the form /ip4/127.0.0.1/tcp/4001.');
  }
}

/** A bootstrap address must name the peer it reaches (…/p2p/<peer id>). */
export function parseBootstrapAddress(address: string): Multiaddr {
  const parsed = parseListenAddress(address);
  if (parsed.getComponents().every((component) => component.name !== 'p2p')) {
    throw new DaomeshError(
      'INVALID_MULTIADDR',
      `A bootstrap address must end with /p2p/<peer id>: ${address}`,
      "Copy it from the other node's `daomesh node --json` output (its listen addresses).",
    );
  }
  return parsed;
}

export async function createMeshNode(options: MeshNodeOptions): Promise<MeshNode> {
  options.listen.forEach(parseListenAddress);
  options.bootstrap.forEach(parseBootstrapAddress);

  const peerDiscovery: NonNullable<Libp2pOptions['peerDiscovery']> = [];
  if (options.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: options.bootstrap, timeout: 100 }));
  if (options.mdns) {
    peerDiscovery.push(mdns({ serviceTag: mdnsServiceTag, interval: options.mdnsInterval ?? 10_000 }));
  }

  const node = await createLibp2p({
    // Started below (listenOrExplain), so that a listen address it cannot have is said plainly.
    start: false,
    privateKey: options.privateKey,
    // In memory as libp2p's default, with the DHT's provider records bounded (a stranger could fill it).
    datastore: new BoundedDatastore(),
    addresses: { listen: options.listen },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: maxStreamWindowBytes } })],
    peerDiscovery,
    ...(options.connectionGater ? { connectionGater: options.connectionGater } : {}),
    // libp2p refuses more than 5 inbound connections a second from one IP address; a DAO's members behind one
    // NAT, or several nodes on one machine, reconnecting at once after a partition would hit that.
    // An inbound connection is pending until its handshake ends, and libp2p refuses every new one while 10 are
    // (its default): ten silent sockets from anyone kept every member out. Pending ones now have 5 s (a relayed
    // handshake takes a second or two), and one address can open at most 25 × 5 of the 256 allowed.
    connectionManager: { inboundConnectionThreshold: 25, maxIncomingPendingConnections: 256, inboundUpgradeTimeout: 5_000 },
    // libp2p pings every connection to find dead ones; each ping is a new stream (~3 ms of CPU for the two
    // ends), and every 10 s (the default) it was most of what an idle node did: 30 nodes on one machine used
    // 0.7 cores doing nothing, 0.2 with a ping a minute. Every 30 s a vanished peer still drops out of the
    // peers list and presence within a minute or so.
    connectionMonitor: { pingInterval: 30_000 },
    services: {
      identify: identify(),
      // libp2p's connection monitor and the DHT both ping; one stream at a time (the default) is too few.
      ping: ping({ maxInboundStreams: 8, maxOutboundStreams: 8 }),
      dht: kadDHT({
        protocol: dhtProtocol,
        // Keep LAN and loopback addresses: a DAO's nodes often share a LAN with no way to the internet.
        peerInfoMapper: passthroughMapper,
        // libp2p would serve the DHT only once it sees a public address; on a LAN none ever shows. A node that
        // can be dialled at all serves; one reachable only through relays just asks.
        clientMode: options.listen.every((address) => address === relayListenAddress),
      }),
      ...(options.relayServer
        ? {
            relay: circuitRelayServer({
              // Relayed DAO traffic is a catch-up session or gossip: libp2p's default limits (2 min, 128 KiB per
              // connection) would cut a first sync short. Reservations stay bounded by their count and ttl.
              reservations: { applyDefaultLimit: false, maxReservations: 64 },
            }),
          }
        : {}),
      pubsub: gossipsub({
        emitSelf: false,
        allowPublishToZeroTopicPeers: true,
        // Every payload is an envelope its author signed; a second libp2p signature per message would halve
        // throughput for nothing. Ids are content hashes, so a repeat dies in the seen-cache (Node's native
        // SHA-256: every copy from every mesh peer is named, ~2 µs for an envelope instead of ~10 in JS).
        globalSignaturePolicy: StrictNoSign,
        msgIdFn: (message) => hash('sha256', message.data, 'buffer'),
        // Past this, messages are dropped unread (large envelopes travel by catch-up sync, in chunks).
        maxInboundDataLength: 1024 * 1024,
        // No penalty for many peers on one IP address (gossipsub's P6, by default past 10 of them): a DAO's
        // nodes legitimately share one (an office behind NAT, a relay, headless nodes on one machine), and with
        // 16 nodes on one address every peer was graylisted, so gossip reached nobody. What keeps strangers
        // out is the topic validator (their messages are rejected, at a cost in score) and catch-up only with
        // nodes the ledger names, not their addresses.
        scoreParams: { IPColocationFactorWeight: 0 },
      }),
    },
  });

  // Discovery (mDNS, bootstrap) only reports peers; dialling them is ours to do.
  node.addEventListener('peer:discovery', (event) => {
    const { id, multiaddrs } = event.detail;
    if (id.equals(node.peerId) || node.getConnections(id).length > 0) return;
    const target = multiaddrs.length > 0 ? multiaddrs : id;
    node.dial(target).catch(() => {
      // An unreachable peer is normal on a LAN; discovery reports it again and we retry then.
    });
  });
  await listenOrExplain(node, options.listen);
  return node;
}

/** Connected peers with the addresses we reach them on. */
export function connectedPeers(node: MeshNode): Peer[] {
  const byPeer = new Map<string, Set<string>>();
  for (const connection of node.getConnections()) {
    const id = connection.remotePeer.toString();
    const addrs = byPeer.get(id) ?? new Set<string>();
    addrs.add(connection.remoteAddr.toString());
    byPeer.set(id, addrs);
  }
  return [...byPeer].map(([peerId, addrs]) => ({ peerId, addrs: [...addrs].sort() })).sort((a, b) => a.peerId.localeCompare(b.peerId));
}

export function listenAddresses(node: MeshNode): string[] {
  return node.getMultiaddrs().map((address) => address.toString());
}

/** The peer an address names (its last /p2p/ part), or null. */
export function peerOfAddress(address: Multiaddr): string | null {
  return address.getComponents().findLast((component) => component.name === 'p2p')?.value ?? null;
}

/** Why a listen failed, in words, when it is a port that cannot be had; null for any other failure. */
function portProblem(message: string): string | null {
  if (message.includes('EADDRINUSE')) return 'the port is in use by another program';
  if (message.includes('EACCES')) return 'this user may not listen on that port';
  if (message.includes('EADDRNOTAVAIL')) return 'this computer has no such address';
  return null;
}

/**
 * Starts the node. A listen address it cannot have (a port in use) is said plainly, naming the address, instead
 * of libp2p's report with a stack trace in it.
 */
async function listenOrExplain(node: Libp2p, listen: readonly string[]): Promise<void> {
  try {
    await node.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const problem = portProblem(message);
    if (problem === null) throw error;
    try {
      await node.stop();
    } catch {
      // Stopping what half-started is tidying up: the listen failure is what to report.
    }
    const failed = listen.filter((address) => message.includes(address));
    throw new DaomeshError('BAD_REQUEST', `Could not listen on ${(failed.length > 0 ? failed : listen).join(', ')}: ${problem}.`, 'Choose another port in --listen, or /tcp/0 for any free one.');
  }
}

/** A peer's address as something to dial: ending in /p2p/<peer id>; null if it does not parse. */
export function dialableAddress(address: string, peerId: string): Multiaddr | null {
  try {
    const parsed = multiaddr(address);
    return parsed.getComponents().some((component) => component.name === 'p2p') ? parsed : parsed.encapsulate(`/p2p/${peerId}`);
  } catch {
    return null;
  }
}
