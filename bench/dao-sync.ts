// Issue 4's figures: N real hosts in this process (libp2p on 127.0.0.1, the real gate, fold and logs) share one
// DAO; each writes R records while partitioned; then the partition heals and we time convergence and count
// bytes on the wire against the records' own bytes and against what Yjs's own sync (y-protocols: a state
// vector each way and the missing update) would need for the same exchange. Then gossip latency, publish to
// delivery, with everyone connected, and memory per node.
import * as Y from 'yjs';
import type { Host } from '../electron-main/host/host.ts';
import { dialWithRetry, heal, partition, sameState, startHostMesh, until } from '../test/fixtures/host-mesh.ts';

type Figures = { print: (line: string) => void };

export async function benchDaoSync(
  nodeCount = Number(process.env.BENCH_SYNC_NODES ?? 12),
  recordsEach = Number(process.env.BENCH_SYNC_RECORDS ?? 500),
  { print }: Figures = { print: console.log },
): Promise<void> {
  const heapBefore = process.memoryUsage().heapUsed;
  const mesh = await startHostMesh(nodeCount);
  const { hosts, dao } = mesh;
  try {
    const [first] = hosts as [Host];
    const { proposal } = await first.call('dao.propose', { dao, title: 'Bench', params: { kind: 'signal', text: '' } });
    await until('the proposal to reach every node', () => sameState(hosts, dao), 60_000);

    // Partition: nobody talks to anybody; each writes its records alone.
    await partition(hosts);
    let recordBytes = 0;
    const unsubscribe = hosts.map((host) =>
      host.daos.replica(dao)!.onAppend(({ records }) => {
        for (const record of records) recordBytes += record.bytes.length;
      }),
    );
    await Promise.all(
      hosts.map(async (host, i) => {
        for (let r = 0; r < recordsEach; r++) await host.call('dao.vote', { dao, proposal, choice: (i + r) % 2 === 0 ? 'yes' : 'no' });
      }),
    );
    unsubscribe.forEach((stop) => stop());
    const partitionDocs = hosts.map((host) => Y.encodeStateAsUpdate(host.daos.replica(dao)!.doc));
    const trafficBefore = hosts.map((host) => ({ ...host.sync.traffic }));

    // Heal: every node dials the first (a star); catch-up starts on each new connection and spreads.
    heal();
    const healStart = performance.now();
    await Promise.all(hosts.slice(1).map((host) => dialWithRetry(host, first)));
    await until('the healed mesh to converge', () => sameState(hosts, dao), 600_000);
    const healSeconds = (performance.now() - healStart) / 1000;
    const since = (key: keyof Host['sync']['traffic']) => hosts.reduce((sum, host, i) => sum + host.sync.traffic[key] - trafficBefore[i]![key], 0);
    const wire = since('syncIn') + since('gossipIn');
    // Everyone lacked everyone else's records: each record's bytes had to reach N - 1 nodes.
    const moved = recordBytes * (nodeCount - 1);
    const yjs = yProtocolsStarBytes(partitionDocs);
    print(`${nodeCount} nodes, ${recordsEach} records each written while partitioned (${(recordBytes / 1024).toFixed(0)} KiB of records), healed as a star:`);
    print(`  converged in ${healSeconds.toFixed(1)} s; ${(wire / 1024).toFixed(0)} KiB on the wire = ${(wire / moved).toFixed(2)}x the records' own bytes (goal ≤ 1.3x), ${(wire / yjs).toFixed(2)}x plain Yjs sync of the same data (${(yjs / 1024).toFixed(0)} KiB)`);
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
    print(`  of which envelopes ${kib(since('syncEnvelopesIn'))} (deflated), reconciliation and session set-up ${kib(since('syncIn') - since('syncEnvelopesIn'))}, gossip ${kib(since('gossipIn'))}; ${since('repeatsIn')} envelopes arrived twice`);

    // Gossip latency, everyone connected to everyone through the mesh.
    const latencies = await gossipLatencies(hosts, dao, proposal, 20);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    print(`  gossip publish → delivery at ${nodeCount} nodes: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms (${latencies.length} deliveries)`);
    const heapAfter = process.memoryUsage().heapUsed;
    print(`  memory: ${((heapAfter - heapBefore) / nodeCount / 1024 / 1024).toFixed(1)} MiB of JS heap per node (all ${nodeCount} in one process; rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB)`);
  } finally {
    await mesh.stop();
  }
}




/**
 * What y-protocols would move for the same heal in the same star: each leaf and the hub swap state vectors, the
 * leaf sends what the hub lacks (its own writes), and the hub sends the leaf everything it lacks.
 */
function yProtocolsStarBytes(docs: Uint8Array[]): number {
  const merged = Y.mergeUpdates(docs);
  const hubVector = Y.encodeStateVectorFromUpdate(docs[0]!);
  let bytes = 0;
  for (let i = 1; i < docs.length; i++) {
    const leafVector = Y.encodeStateVectorFromUpdate(docs[i]!);
    bytes += hubVector.length + leafVector.length;
    bytes += Y.diffUpdate(docs[i]!, hubVector).length;
    bytes += Y.diffUpdate(merged, leafVector).length;
  }
  return bytes;
}

async function gossipLatencies(hosts: Host[], dao: string, proposal: string, perNode: number): Promise<number[]> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const stops = hosts.map((host) =>
    host.daos.replica(dao)!.onAppend(({ records, origin }) => {
      for (const record of records) {
        if (origin === 'local') sent.set(record.id, performance.now());
        else {
          const at = sent.get(record.id);
          if (at !== undefined) latencies.push(performance.now() - at);
        }
      }
    }),
  );
  await until('the gossip mesh to form', async () => hosts.every((host) => host.sync.status(dao).peers.length > 0), 30_000);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // a few heartbeats, so the mesh is grafted
  const expected = hosts.length * perNode * (hosts.length - 1);
  for (let round = 0; round < perNode; round++) {
    await Promise.all(hosts.map((host, i) => host.call('dao.vote', { dao, proposal, choice: (i + round) % 2 === 0 ? 'no' : 'yes' })));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await until('the gossiped votes to arrive', async () => latencies.length >= expected * 0.99, 60_000).catch(() => {});
  stops.forEach((stop) => stop());
  return latencies;
}

