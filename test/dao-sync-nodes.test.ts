// Three real nodes (separate processes, libp2p on 127.0.0.1) keep one DAO in sync: founders join with an
// invite, everyone proposes and votes at once and all end with the same state hash; a node stopped while the
// others work catches up when it comes back; expired, revoked and tampered invites are refused clearly, a failed
// join leaves nothing behind, and a revocation written by one node is honoured by the others; a stranger on the
// topic sees only ciphertext, and a removed member's node cannot read what comes after.
import assert from 'node:assert/strict';
import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BridgeParams, BridgeResult, DaoView } from '../core/bridge/api.ts';
import { connectApi, readApiEndpoint } from '../electron-main/host/api-client.ts';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { multiaddr } from '@multiformats/multiaddr';
import { parseInviteCode } from '../core/sync/invite.ts';
import { createNativeEd25519Verify } from '../electron-main/host/native-ed25519.ts';
import { daoTopic } from '../p2p/dao-sync.ts';
import { daoSyncProtocol, initiateSync, SyncRefusedError, type DaoSyncStore } from '../p2p/dao-sync-session.ts';
import { gossipKeyId } from '../p2p/gossip-cipher.ts';
import { createMeshNode } from '../p2p/mesh-node.ts';
import { removeDir, runCli, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
const nodes: RunningNode[] = [];
const addresses: string[] = [];
const phrases: string[] = [];
let dao = '';

function cli(node: RunningNode, args: string[]) {
  return runCli(['--data', node.dataDir, ...args], { env });
}

async function json<T>(node: RunningNode, args: string[]): Promise<T> {
  const result = await cli(node, [...args, '--json']);
  if (result.code !== 0) throw new Error(`daomesh ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Reads through the node's local API (polling through the CLI would start a process per look). */
async function query<M extends 'dao.get' | 'dao.peers'>(node: RunningNode, method: M, params: BridgeParams<M>): Promise<BridgeResult<M>> {
  const api = await connectApi(await readApiEndpoint(node.dataDir));
  try {
    return await api.call(method, params);
  } finally {
    api.close();
  }
}

const start = (dataDir?: string, bootstrap: string[] = []) =>
  startCliNode({ ...(dataDir ? { dataDir } : {}), env, args: ['--sync-interval', '2s', ...bootstrap.flatMap((address) => ['--bootstrap', address])] });

before(async () => {
  for (let i = 0; i < 3; i++) {
    const node = await start();
    nodes.push(node);
    const created = await json<{ address: string; phrase: string }>(node, ['identity', 'create']);
    addresses.push(created.address);
    phrases.push(created.phrase);
  }
});

after(async () => {
  for (const node of nodes) {
    await node.stop();
    await removeDir(node.dataDir);
  }
});

async function states(): Promise<DaoView[]> {
  return await Promise.all(nodes.map((node) => query(node, 'dao.get', { dao })));
}

async function converged(what: string, check: (views: DaoView[]) => boolean = () => true): Promise<DaoView[]> {
  return await waitFor(
    what,
    async () => {
      const views = await states();
      const same = views.every((view) => view.stateHash === views[0]!.stateHash && view.records === views[0]!.records);
      return same && check(views) ? views : undefined;
    },
    90_000,
  );
}

test('founders join by invite and become the DAO\'s nodes; concurrent proposals and votes converge everywhere', async () => {
  const [a, b, c] = nodes as [RunningNode, RunningNode, RunningNode];
  dao = (
    await json<{ dao: string }>(a, ['dao', 'create', '--name', 'Mesh Garden', '--founder', addresses[1]!, '--founder', addresses[2]!, '--voting-period', '1h'])
  ).dao;
  const { code } = await json<{ code: string }>(a, ['dao', 'invite', dao]);
  for (const node of [b, c]) {
    const joined = await json<BridgeResult<'dao.join'>>(node, ['dao', 'join', code]);
    assert.equal(joined.dao, dao);
    assert.ok(joined.received >= 1, 'the history arrived with the join');
    assert.deepEqual([joined.alreadyHeld, joined.member], [false, true], 'a founder is a member as soon as the genesis arrives');
  }
  // The inviter's own code, and a second join: said plainly, not "Can not dial self" or "you take part once...".
  const own = await cli(a, ['dao', 'join', code]);
  assert.equal(own.code, 0, own.stderr);
  assert.equal(own.stdout, `${dao} is on this node already; nothing new received. You are a member.\n`);
  const again = await json<BridgeResult<'dao.join'>>(b, ['dao', 'join', code]);
  assert.deepEqual([again.dao, again.alreadyHeld, again.member], [dao, true, true]);
  // Each founder's node delegates its device, naming itself; then every node counts the other two as the DAO's.
  await waitFor('every node to see the other two as DAO peers', async () => {
    const statuses = await Promise.all(nodes.map((node) => query(node, 'dao.peers', { dao })));
    return statuses.every((status) => status.peers.length === 2) ? statuses : undefined;
  }, 60_000);

  // Everyone at once: a proposal each, then a vote by everyone on every proposal.
  const proposals = await Promise.all(
    nodes.map(async (node, i) => (await json<{ proposal: string }>(node, ['proposal', 'create', dao, '--title', `Idea ${i}`, '--text', `from node ${i}`])).proposal),
  );
  const views = await converged('the proposals to reach every node', (all) => all.every((view) => view.proposals.length === 3));
  assert.deepEqual(new Set(views[0]!.proposals.map((proposal) => proposal.id)), new Set(proposals));
  await Promise.all(nodes.map((node, i) => Promise.all(proposals.map((proposal, j) => json(node, ['vote', dao, proposal, (i + j) % 3 === 0 ? 'no' : 'yes'])))));
  const voted = await converged('every vote to reach every node', (all) => all[0]!.proposals.every((proposal) => proposal.tally.voters === 3));
  for (const proposal of voted[0]!.proposals) assert.deepEqual([proposal.tally.yes + proposal.tally.no, proposal.tally.voters], [3, 3]);
  assert.equal(voted[0]!.memberCount, 3);
});

test('a node stopped while the others work catches up when it comes back', async () => {
  const c = nodes[2]!;
  await c.stop();
  const { proposal } = await json<{ proposal: string }>(nodes[0]!, ['proposal', 'create', dao, '--title', 'While C was away', '--text', 'offline']);
  await json(nodes[1]!, ['vote', dao, proposal, 'yes']);
  await json(nodes[0]!, ['vote', dao, proposal, 'no']);
  // Back on the network with no mDNS and no bootstrap list, C dials the DAO peers it met before and catches up.
  nodes[2] = await start(c.dataDir);
  const views = await converged('C to catch up', (all) => all.every((view) => view.proposals.some((entry) => entry.id === proposal && entry.tally.voters === 2)));
  assert.equal(views[2]!.records, views[0]!.records);
});

test("a node whose DAO log was moved aside (the hint for a damaged one) gets the DAO back by joining again, told it did not hold it", async () => {
  const c = nodes[2]!;
  await c.stop();
  await rename(join(c.dataDir, 'daos', dao, 'envelopes.log'), join(c.dataDir, 'envelopes.log.damaged'));
  nodes[2] = await start(c.dataDir);
  assert.ok(!(await json<Array<{ id: string }>>(nodes[2]!, ['dao', 'list'])).some((entry) => entry.id === dao), 'not listed without its log');
  const { code } = await json<{ code: string }>(nodes[0]!, ['dao', 'invite', dao]);
  const joined = await json<{ received: number; alreadyHeld: boolean; member: boolean }>(nodes[2]!, ['dao', 'join', code]);
  assert.deepEqual([joined.alreadyHeld, joined.member], [false, true]);
  assert.ok(joined.received > 0);
  await converged('C to hold the whole DAO again');
});

test("a member's second device joins, becomes one of the DAO's nodes, and keeps the DAO going while the first is off", async () => {
  const [a, b] = nodes as [RunningNode, RunningNode];
  const second = await start();
  nodes.push(second);
  const restored = await runCli(['--data', second.dataDir, 'identity', 'restore', '--json'], { env: { ...env, DAOMESH_PHRASE: phrases[0]! } });
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal((JSON.parse(restored.stdout) as { address: string }).address, addresses[0]);
  const { code } = await json<{ code: string }>(a, ['dao', 'invite', dao]);
  await json(second, ['dao', 'join', code]);
  // Same member, its own device key naming its own node: B counts it as one more of the DAO's nodes.
  await waitFor('B to count the second device as a DAO node', async () =>
    (await query(b, 'dao.peers', { dao })).peers.includes(second.info.peerId) ? true : undefined, 60_000);
  await a.stop();
  const { proposal } = await json<{ proposal: string }>(b, ['proposal', 'create', dao, '--title', 'While the laptop sleeps', '--text', '']);
  await json(second, ['vote', dao, proposal, 'yes']);
  await waitFor('B to see the vote from the second device', async () => {
    const view = await query(b, 'dao.get', { dao });
    return view.proposals.find((entry) => entry.id === proposal)?.tally.voters === 1 ? true : undefined;
  });
  nodes[0] = await start(a.dataDir);
  await converged('the first device to catch up', (views) => views.every((view) => view.proposals.some((entry) => entry.id === proposal)));
});

test('expired, revoked and tampered invites are refused with a clear error', async () => {
  const [a] = nodes as [RunningNode];
  const stranger = await start();
  nodes.push(stranger);
  await json(stranger, ['identity', 'create']);

  const expired = await json<{ code: string }>(a, ['dao', 'invite', dao, '--expires', '1s']);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const late = await cli(stranger, ['dao', 'join', expired.code]);
  assert.equal(late.code, 1);
  assert.match(late.stderr, /invite expired/i);

  const revoked = await json<{ code: string; invite: string }>(a, ['dao', 'invite', dao]);
  assert.deepEqual(await json(a, ['dao', 'revoke-invite', dao, revoked.invite]), { revoked: revoked.invite });
  const refused = await cli(stranger, ['dao', 'join', revoked.code]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /revoked/i);
  // An id this node never issued (a typo, say) is refused, not silently "revoked"; a whole code names any node's invite.
  const mistyped = revoked.invite.slice(0, -1) + (revoked.invite.endsWith('A') ? 'B' : 'A');
  const unknown = await cli(a, ['dao', 'revoke-invite', dao, mistyped]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /issued no invite/);
  const byCode = await json<{ code: string; invite: string }>(a, ['dao', 'invite', dao]);
  assert.deepEqual(await json(a, ['dao', 'revoke-invite', dao, byCode.code]), { revoked: byCode.invite });
  const refusedByCode = await cli(stranger, ['dao', 'join', byCode.code]);
  assert.equal(refusedByCode.code, 1);
  assert.match(refusedByCode.stderr, /revoked/i);
  const otherDao = await cli(a, ['dao', 'revoke-invite', 'A'.repeat(43), byCode.code]);
  assert.equal(otherDao.code, 1);
  assert.match(otherDao.stderr, /another DAO/);
  // The failed join left no empty replica behind for the node to follow.
  assert.deepEqual(await readdir(join(stranger.dataDir, 'daos')).catch(() => []), []);
  const peers = await cli(stranger, ['dao', 'peers', dao]);
  assert.equal(peers.code, 1);
  assert.match(peers.stderr, /holds no DAO/);

  const good = await json<{ code: string }>(a, ['dao', 'invite', dao]);
  const middle = 'daomesh-invite:'.length + 40;
  const tampered = good.code.slice(0, middle) + (good.code[middle] === 'A' ? 'B' : 'A') + good.code.slice(middle + 1);
  const broken = await cli(stranger, ['dao', 'join', tampered]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /invite code is not valid|damaged|altered/i);
  assert.equal((await json<unknown[]>(stranger, ['dao', 'list'])).length, 0, 'nothing of the DAO reached the stranger');

  // The good code still works: the stranger receives the history but is not a member until a proposal passes.
  const joined = await json<{ received: number }>(stranger, ['dao', 'join', good.code]);
  assert.ok(joined.received > 0);
  const view = await query(stranger, 'dao.get', { dao });
  assert.equal(view.isMember, false);
  const vote = await cli(stranger, ['vote', dao, view.proposals[0]!.id, 'yes']);
  assert.equal(vote.code, 1);
  assert.match(vote.stderr, /not a member/);
});

test("an invite revoked at the node that issued it is refused by the DAO's other nodes too", async () => {
  const [a, b] = nodes as [RunningNode, RunningNode];
  // A device with an invite, talking to B directly (not to A, which issued it and keeps its own list).
  const device = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await device.start();
  const received: Uint8Array[] = [];
  const store: DaoSyncStore = {
    mayServe: () => ({ ok: true }),
    envelopeIds: () => [],
    envelopes: async function* () {},
    accept: async (_dao, envelope) => {
      received.push(envelope);
      return 'accepted';
    },
  };
  const syncWithB = async (invite: Uint8Array) => {
    const stream = await device.dialProtocol(multiaddr(b.info.listen[0]!), daoSyncProtocol);
    return await initiateSync(stream, dao, b.info.peerId, store, { invite });
  };
  try {
    const { code, invite } = await json<{ code: string; invite: string }>(a, ['dao', 'invite', dao]);
    const bytes = parseInviteCode(code, createNativeEd25519Verify()).bytes;
    const served = await waitFor('B to honour the invite', async () => {
      try {
        return await syncWithB(bytes);
      } catch {
        return undefined; // B may not hold A's latest delegation yet
      }
    });
    assert.ok(served.received > 0 && received.length > 0, 'B served the invitee');

    await json(a, ['dao', 'revoke-invite', dao, invite]);
    // The revocation is a record: once it reaches B, B refuses the invite (and forgets the device it let in).
    const refusal = await waitFor('B to refuse the revoked invite', async () => {
      try {
        await syncWithB(bytes);
        return undefined;
      } catch (error) {
        return error instanceof SyncRefusedError ? error : undefined;
      }
    }, 60_000);
    assert.equal(refusal.code, 'INVITE_REVOKED');
    assert.match(refusal.message, /revoked/);
  } finally {
    await device.stop();
  }
});

test('a stranger on the DAO topic sees only ciphertext; a removed member\'s node cannot read what comes after', async () => {
  const [a, b, c] = nodes as [RunningNode, RunningNode, RunningNode];
  // A small DAO with short periods, so that a removal can pass here.
  const { dao: small } = await json<{ dao: string }>(a, [
    'dao', 'create', '--name', 'Short Fuse', '--founder', addresses[1]!, '--founder', addresses[2]!, '--voting-period', '30s', '--grace-period', '1s',
  ]);
  const { code } = await json<{ code: string }>(a, ['dao', 'invite', small]);
  for (const node of [b, c]) await json(node, ['dao', 'join', code]);
  await waitFor('the founders\' nodes to know each other', async () => {
    const statuses = await Promise.all([a, b, c].map((node) => query(node, 'dao.peers', { dao: small })));
    return statuses.every((status) => status.peers.length === 2) ? true : undefined;
  }, 60_000);

  // A stranger subscribes to the topic through A and records everything it is sent.
  const stranger = await createMeshNode({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false });
  await stranger.start();
  const heard: Uint8Array[] = [];
  stranger.services.pubsub.addEventListener('message', (event) => heard.push(event.detail.data));
  stranger.services.pubsub.subscribe(daoTopic(small));
  await stranger.dial(multiaddr(a.info.listen[0]!));
  try {
    await new Promise((resolve) => setTimeout(resolve, 2500)); // a couple of gossip heartbeats
    const title = 'Remove C (secret plan)';
    const { proposal } = await json<{ proposal: string }>(a, ['proposal', 'create', small, '--kind', 'member.remove', '--member', addresses[2]!, '--title', title]);
    await waitFor('the stranger to be sent the proposal', async () => (heard.length > 0 ? true : undefined), 30_000);
    const secret = new TextEncoder().encode(title);
    for (const message of heard) {
      assert.equal(Buffer.from(message).includes(Buffer.from(secret)), false, 'the title is not readable on the wire');
      assert.ok(gossipKeyId(message) !== null, 'every message is sealed');
    }

    // The removal passes: A and B vote yes, wait out the period, sign the result, wait out the grace period.
    await waitFor('B to hold the proposal', async () => ((await query(b, 'dao.get', { dao: small })).proposals.length > 0 ? true : undefined));
    await json(a, ['vote', small, proposal, 'yes']);
    await json(b, ['vote', small, proposal, 'yes']);
    await waitFor('the votes to meet at A', async () => ((await query(a, 'dao.get', { dao: small })).proposals[0]!.tally.voters === 2 ? true : undefined));
    await waitFor('the voting period to end', async () => ((await query(a, 'dao.get', { dao: small })).proposals[0]!.status === 'closed' ? true : undefined), 60_000);
    await json(a, ['tally', 'sign', small, proposal]);
    await waitFor('the certificate to reach B', async () => ((await query(b, 'dao.get', { dao: small })).proposals[0]!.certificate?.signatures === 1 ? true : undefined));
    await json(b, ['tally', 'sign', small, proposal]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The next record after the grace period carries the removal into effect; its gossip uses a new key.
    await json(a, ['proposal', 'create', small, '--title', 'After C left', '--text', 'members only']);
    const removed = await waitFor('A to count two members', async () => {
      const view = await query(a, 'dao.get', { dao: small });
      return view.memberCount === 2 ? view : undefined;
    }, 30_000);
    await json(a, ['proposal', 'create', small, '--title', 'Plans without C', '--text', 'members only']);
    await waitFor('B to receive what came after the removal', async () =>
      (await query(b, 'dao.get', { dao: small })).proposals.some((entry) => entry.title === 'Plans without C') ? true : undefined,
    );
    // C's node gets nothing new: catch-up is refused it (it backs off, or stops once it knows it was removed), and
    // the gossip it is sent it cannot open.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const atC = await query(c, 'dao.get', { dao: small });
    assert.equal(atC.proposals.some((entry) => entry.title === 'Plans without C'), false, "the removed member's node cannot read what came after");
    assert.ok(removed.members.every((member) => member.address !== addresses[2]));
  } finally {
    await stranger.stop();
  }
});
