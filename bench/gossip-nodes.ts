// Gossip latency at scale with headless nodes: N `daomesh node` processes on 127.0.0.1 (default 16), the
// members of one DAO (its member cap raised to N), each its own process with its own gate and fold. One node
// at a time casts a vote; we time from the call to the moment each other node reports the DAO changed
// (its `dao.changed` event on the local API, i.e. after the gossiped envelope was opened, gated, stored and
// folded there). All N processes share this machine's cores, so the figures measure CPU contention as much
// as the network.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { connectApi, readApiEndpoint, type ApiClient } from '../electron-main/host/api-client.ts';
import { removeDir, startCliNode, type RunningNode } from '../test/fixtures/cli.ts';

type Node = { process: RunningNode; api: ApiClient; address: string };

/** Linux's USER_HZ, the unit of /proc/<pid>/stat CPU times (100 on every common build). */
const clockTicksPerSecond = 100;
/** How long each vote is given to reach every node. */
const windowMs = 5_000;

export async function benchGossipNodes(count = Number(process.env.BENCH_GOSSIP_NODES ?? 16), print: (line: string) => void = console.log): Promise<void> {
  const started = performance.now();
  const nodes: Node[] = [];
  try {
    // Start in small batches: each process loads the whole host before it listens.
    for (let i = 0; i < count; i += 5) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(5, count - i) }, async () => {
          const running = await startCliNode({ args: ['--sync-interval', '30s'] });
          const api = await connectApi(await readApiEndpoint(running.dataDir));
          const { address } = await api.call('identity.create', { passphrase: 'gossip bench passphrase' });
          return { process: running, api, address };
        }),
      );
      nodes.push(...batch);
    }
    const rssMiB = await Promise.all(nodes.map((node) => processRssMiB(node.process.process.pid)));
    const [first, ...others] = nodes as [Node, ...Node[]];
    const { dao } = await first.api.call('dao.create', {
      name: 'Gossip bench',
      preset: 'simple-majority',
      founders: others.map((node) => node.address),
      memberCap: Math.max(count, 15),
      votingPeriodMs: 30 * 24 * 3600 * 1000,
    });
    const { code } = await first.api.call('dao.invite', { dao });
    // One at a time (every join goes through the first node), each tried again if that node was too busy.
    for (const [i, node] of others.entries()) {
      await joinWithRetry(node, code);
      if ((i + 1) % 10 === 0 || i === others.length - 1) print(`  (set-up: ${i + 1} of ${others.length} joined after ${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    const { proposal } = await first.api.call('dao.propose', { dao, title: 'Bench', params: { kind: 'signal', text: '' } });
    // Everyone holds everything (every founder's delegation included) before we time anything.
    await waitUntil('every node to hold the same DAO', 600_000, async () => {
      const hashes = await Promise.all(nodes.map((node) => node.api.call('dao.get', { dao }).then((view) => view.stateHash)));
      return new Set(hashes).size === 1 && (await first.api.call('dao.get', { dao })).proposals.length === 1;
    }, 1000); // asking every node for its whole state is work for them: once a second
    await new Promise((resolve) => setTimeout(resolve, 3000)); // a few gossipsub heartbeats: the mesh is grafted
    const setupSeconds = (performance.now() - started) / 1000;

    const latencies: number[] = [];
    let missed = 0;
    const votingCpu = await cpuSeconds(nodes);
    const votingStarted = performance.now();
    for (const [i, sender] of nodes.entries()) {
      const arrived = new Map<number, number>();
      const stops = nodes.map((node, j) => (j === i ? () => {} : node.api.on('dao.changed', (event) => {
        if (event.dao === dao && !arrived.has(j)) arrived.set(j, performance.now());
      })));
      const sent = performance.now();
      await sender.api.call('dao.vote', { dao, proposal, choice: i % 2 === 0 ? 'yes' : 'no' });
      await waitUntil('the vote to reach every node', windowMs, () => arrived.size >= count - 1).catch(() => {});
      stops.forEach((stop) => stop());
      for (const at of arrived.values()) latencies.push(at - sent);
      missed += count - 1 - arrived.size;
    }
    const voting = ((await cpuSeconds(nodes)) - votingCpu) / ((performance.now() - votingStarted) / 1000);
    // What the nodes cost the machine with nothing to do (heartbeats, pings, timers), once the votes have
    // settled: at many processes per core this alone leaves little room for the votes.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const idle = await coresUsed(nodes, 10_000);
    latencies.sort((a, b) => a - b);
    // Over every delivery expected: one that had not come within the window counts as later than it.
    const expected = latencies.length + missed;
    const at = (q: number) => {
      const rank = Math.min(expected - 1, Math.floor(q * expected));
      return rank < latencies.length ? `${latencies[rank]!.toFixed(0)} ms` : `> ${windowMs} ms`;
    };
    const meanRss = rssMiB.reduce((sum, value) => sum + value, 0) / rssMiB.length;
    print(`${count} headless node processes (set-up ${setupSeconds.toFixed(0)} s), one vote at a time from each:`);
    print(`  gossip call → delivery: p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)} (${expected} deliveries expected; ${missed} not within ${windowMs / 1000} s)`);
    print(`  CPU of all node processes: ${idle.toFixed(2)} cores while idle, ${voting.toFixed(2)} while voting (this machine has ${availableParallelism()})`);
    print(`  memory: ${meanRss.toFixed(0)} MiB resident per node process at start (Node itself included)`);
  } finally {
    await Promise.all(nodes.map(async (node) => {
      node.api.close();
      await node.process.stop();
      await removeDir(node.process.dataDir);
    }));
  }
}

async function joinWithRetry(node: Node, code: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await node.api.call('dao.join', { code });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean, pollMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** User and system CPU seconds the node processes have used so far (Linux /proc; 0 elsewhere). */
async function cpuSeconds(nodes: readonly Node[]): Promise<number> {
  const ticks = await Promise.all(nodes.map(async (node) => {
    const stat = await readFile(`/proc/${node.process.process.pid}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }));
  return ticks.reduce((sum, value) => sum + value, 0) / clockTicksPerSecond;
}

/** Cores' worth of CPU the node processes use over `ms`. */
async function coresUsed(nodes: readonly Node[], ms: number): Promise<number> {
  const before = await cpuSeconds(nodes);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((await cpuSeconds(nodes)) - before) / (ms / 1000);
}

async function processRssMiB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

if (import.meta.main) await benchGossipNodes();
