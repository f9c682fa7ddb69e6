// A DAO's life through the CLI on one real node: found it, propose, vote, close the vote with a signed tally
// certificate, restart the node, and find everything as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DaoSummary, DaoView, ProposalView } from '../core/bridge/api.ts';
import { removeDir, runCli, startCliNode, waitFor, type RunningNode } from './fixtures/cli.ts';

const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
let node: RunningNode;
let address: string;

function cli(args: string[]) {
  return runCli(['--data', node.dataDir, ...args], { env });
}

async function json<T>(args: string[]): Promise<T> {
  const result = await cli([...args, '--json']);
  if (result.code !== 0) throw new Error(`daomesh ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

before(async () => {
  node = await startCliNode();
  address = (await json<{ address: string }>(['identity', 'create'])).address;
});

after(async () => {
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

test('found a DAO, propose, vote, sign the result; the state survives a restart', async () => {
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Garden Club', '--charter', 'We grow food.', '--voting-period', '15s', '--grace-period', '1s']);
  const listed = await json<DaoSummary[]>(['dao', 'list']);
  assert.deepEqual(listed.map((entry) => [entry.id, entry.name, entry.members, entry.isMember]), [[dao, 'Garden Club', 1, true]]);

  const members = await json<DaoView['members']>(['dao', 'members', dao]);
  assert.deepEqual(members, [{ address, shares: 100, reputation: 0 }]);

  const { proposal } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Buy seeds', '--text', 'tomatoes and beans']);
  const early = await cli(['tally', 'sign', dao, proposal]);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /^daomesh: The result cannot be signed yet: the voting period is not over yet\./);
  await json(['vote', dao, proposal, 'no']);
  await json(['vote', dao, proposal, 'yes']); // a changed vote: the latest counts
  const open = await json<ProposalView>(['proposal', 'show', dao, proposal]);
  assert.equal(open.status, 'open');
  assert.deepEqual([open.tally.yes, open.tally.no, open.tally.voters], [1, 0, 1]);
  assert.deepEqual(open.myVote, { choice: 'yes', votes: 1 });

  await waitFor('the voting period to end', async () => ((await json<ProposalView>(['proposal', 'show', dao, proposal])).status === 'closed' ? true : undefined));
  await json(['tally', 'sign', dao, proposal]);
  const decided = await json<ProposalView>(['proposal', 'show', dao, proposal]);
  assert.equal(decided.status, 'passed');
  assert.deepEqual(decided.certificate, { signatures: 1, needed: 1, final: true, signedByMe: true });

  const late = await cli(['vote', dao, proposal, 'no', '--json']);
  assert.equal(late.code, 0, 'a late vote is recorded as evidence');
  const before = await json<DaoView>(['dao', 'show', dao]);
  assert.equal(before.proposals[0]!.tally.yes, 1, 'a vote after the certificate changes nothing');
  assert.ok(before.evidence.some((entry) => entry.kind === 'vote'), 'the late vote is kept as evidence with a reason');

  await node.stop();
  node = await startCliNode({ dataDir: node.dataDir });
  const after = await json<DaoView>(['dao', 'show', dao]);
  assert.equal(after.stateHash, before.stateHash);
  assert.equal(after.records, before.records);
  assert.deepEqual(after.proposals, before.proposals);
});

test('actions give clear errors: locked identity, unknown DAO, unconfirmed rage quit', async () => {
  const [dao] = await json<DaoSummary[]>(['dao', 'list']);
  const locked = await runCli(['--data', node.dataDir, 'proposal', 'create', dao!.id, '--title', 'x']);
  assert.equal(locked.code, 1);
  assert.match(locked.stderr, /^daomesh: The identity is locked\./);
  await json(['identity', 'unlock']);

  const unknown = await cli(['dao', 'show', 'A'.repeat(43), '--json']);
  assert.equal(unknown.code, 1);
  assert.equal((JSON.parse(unknown.stderr) as { error: { code: string } }).error.code, 'DAO_NOT_FOUND');
  const malformed = await cli(['dao', 'show', 'not-an-id']);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /record id/);

  const unconfirmed = await cli(['rage-quit', dao!.id]);
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, /--yes/);
  const quit = await cli(['rage-quit', dao!.id, '--yes']);
  assert.equal(quit.code, 0, quit.stderr);
  const view = await json<DaoView>(['dao', 'show', dao!.id]);
  assert.equal(view.memberCount, 0);
  assert.equal(view.isMember, false);
  const afterQuit = await cli(['proposal', 'create', dao!.id, '--title', 'still here?', '--json']);
  assert.equal((JSON.parse(afterQuit.stderr) as { error: { code: string } }).error.code, 'NOT_A_MEMBER');
});

test('quadratic voting: n votes cost n² of the epoch’s voice credits', async () => {
  const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Quad Club', '--preset', 'quadratic']);
  assert.equal((await json<DaoView>(['dao', 'show', dao])).myCredits, 100);
  const { proposal } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Fund the well']);
  await json(['vote', dao, proposal, 'yes', '--votes', '6']);
  const view = await json<DaoView>(['dao', 'show', dao]);
  assert.equal(view.myCredits, 64);
  assert.equal(view.proposals[0]!.tally.yes, 6);
});
