// Discovery beyond the LAN with real hosts on 127.0.0.1: two members' nodes that cannot be dialled at all
// (they listen on nothing but a relay slot, as behind a NAT) and know only an always-on relay node. They join
// a DAO through the relay, and after losing each other they find each other again by the DAO's id on the DHT
// and sync through the relay.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startHost, type Host } from '../electron-main/host/host.ts';
import { daoRendezvous } from '../p2p/dao-discovery.ts';
import { relayListenAddress } from '../p2p/mesh-node.ts';
import { until } from './fixtures/host-mesh.ts';

const lightScrypt = { N: 1024, r: 8, p: 1 };
let root: string;
const hosts: Host[] = [];

function relayed(host: Host, peer: Host): boolean {
  return host.mesh.getConnections().some((connection) => connection.remotePeer.toString() === peer.peerId && connection.remoteAddr.toString().includes('/p2p-circuit'));
}

function directlyConnected(host: Host, peer: Host): boolean {
  return host.mesh.getConnections().some((connection) => connection.remotePeer.toString() === peer.peerId && !connection.remoteAddr.toString().includes('/p2p-circuit'));
}

let relay: Host;
let alice: Host;
let bob: Host;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'daomesh-discovery-'));
  relay = await startHost({ dataDir: join(root, 'relay'), listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, relayServer: true, scryptParams: lightScrypt });
  hosts.push(relay);
  const bootstrap = relay.mesh.getMultiaddrs().map((address) => address.toString());
  for (const name of ['alice', 'bob']) {
    hosts.push(
      await startHost({
        dataDir: join(root, name),
        // No address of its own: reachable only through a relay that holds a slot for it.
        listen: [relayListenAddress],
        bootstrap,
        mdns: false,
        scryptParams: lightScrypt,
        syncIntervalMs: 2_000,
        discoveryIntervalMs: 1_000,
      }),
    );
  }
  [, alice, bob] = hosts as [Host, Host, Host];
});

after(async () => {
  for (const host of hosts) await host.stop().catch(() => {});
  await rm(root, { recursive: true, force: true });
});

test('a node with no address of its own is reachable through a relay slot', async () => {
  await until('relay slots for both', () => [alice, bob].every((host) => host.status().listen.some((address) => address.includes(`/p2p/${relay.peerId}/p2p-circuit`))), 30_000);
  assert.ok(alice.status().listen.every((address) => address.includes('/p2p-circuit')), 'alice listens on nothing direct');
});

test('a member joins through the relay, and two nodes that lost each other meet again by the DAO id on the DHT', async () => {
  const { address: aliceAddress } = await alice.call('identity.create', { passphrase: 'alice passphrase' });
  const { address: bobAddress } = await bob.call('identity.create', { passphrase: 'bob passphrase' });
  assert.notEqual(aliceAddress, bobAddress);
  const { dao } = await alice.call('dao.create', { name: 'Behind NAT', preset: 'simple-majority', founders: [bobAddress] });
  const { code } = await alice.call('dao.invite', { dao });
  await bob.call('dao.join', { code });
  assert.ok(relayed(bob, alice), 'the join went through the relay');
  await until('both nodes to hold the same DAO', () => bob.daos.replica(dao)?.ledger.stateHash() === alice.daos.replica(dao)!.ledger.stateHash(), 60_000);

  // Both announce themselves under the DAO's rendezvous key on the relay's DHT.
  const key = await daoRendezvous(dao);
  await until('both providers on the DHT', async () => {
    const found = new Set<string>();
    try {
      for await (const provider of relay.mesh.contentRouting.findProviders(key, { signal: AbortSignal.timeout(5_000) })) {
        found.add(provider.id.toString());
        if (found.has(alice.peerId) && found.has(bob.peerId)) return true;
      }
    } catch {
      // The lookup may outlive its time while the DHT is still filling; look again.
    }
    return false;
  }, 30_000);

  // They lose each other; nothing but the DHT tells them where the other is now (without its rounds they stay
  // apart: no other mechanism redials a peer while the node runs).
  const parted = Date.now();
  await alice.mesh.hangUp(bob.mesh.peerId);
  const { proposal } = await bob.call('dao.propose', { dao, title: 'Made while apart', params: { kind: 'signal', text: 'found by id' } });
  await until('alice to receive the proposal', () => alice.daos.replica(dao)!.ledger.has(proposal), 60_000);
  const again = [...alice.mesh.getConnections(bob.mesh.peerId), ...bob.mesh.getConnections(alice.mesh.peerId)];
  assert.ok(again.some((connection) => connection.timeline.open >= parted && connection.remoteAddr.toString().includes('/p2p-circuit')), 'they met again through the relay');
  assert.ok(!directlyConnected(alice, bob), 'never directly: neither can be dialled');
});
