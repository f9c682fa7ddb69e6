// `daomesh dao invite|revoke-invite|join|peers` and `daomesh sync status`: getting a DAO onto another device
// and seeing how it syncs.
import type { Command } from 'commander';
import type { DaoSyncStatus } from '../../core/bridge/api.ts';
import type { CliContext } from './dao-commands.ts';
import { defaultInviteLifetimeMs, maxInviteLifetimeMs } from '../../core/sync/invite.ts';
import { durationOption } from './number-options.ts';
import { terminalLine } from './terminal-text.ts';

/** The state in words, as the UI says it: a node whose member left is not offline, and refusing peers are not synced with. */
function describeState(status: DaoSyncStatus): string {
  if (status.left) return 'not syncing';
  const refused = status.refusedBy.length;
  if (refused === 0 || status.peers.length === 0) return status.state;
  if (status.state === 'offline' && refused === status.peers.length) return `offline (every peer refuses this node)`;
  return `${status.state} (with ${status.peers.length - refused} of ${status.peers.length} peers; the others refuse this node)`;
}

export function describeSync(status: DaoSyncStatus): string {
  const progress = status.progress ? ` (${status.progress.received}/${status.progress.expected})` : '';
  const last = status.lastSyncAt === null ? 'never synced' : `last synced ${new Date(status.lastSyncAt).toISOString()}`;
  const refusedBy = new Set(status.refusedBy);
  return [
    `${status.dao}: ${describeState(status)}${progress}, ${status.peers.length} peer${status.peers.length === 1 ? '' : 's'}, ${last}`,
    ...(status.left ? ['  you left this DAO (or were removed): this node keeps its records, readable, but no longer syncs it'] : []),
    `  online: ${status.online.length === 0 ? 'nobody' : status.online.join(', ')}`,
    ...status.peers.map((peer) => `  ${terminalLine(peer)}${refusedBy.has(peer) ? ": refuses this node (not one of the DAO's nodes by its records, or its invite no longer good); asked again later" : ''}`),
    ...(status.lastError ? [`  last error: ${terminalLine(status.lastError)}`] : []),
    ...(status.held ? [`  ${describeHeld(status.held)}`] : []),
  ].join('\n');
}

/** Records held back for claiming a time ahead of this node's clock: say by whom and how far, since a wrong clock on either side is the usual cause. */
function describeHeld(held: NonNullable<DaoSyncStatus['held']>): string {
  const aheadMinutes = Math.max(0, Math.round((held.latest - Date.now()) / 60_000));
  const records = `${held.count} record${held.count === 1 ? '' : 's'}`;
  return `held back: ${records} by ${held.authors.join(', ')} claim a time up to ${aheadMinutes} min ahead of this computer's clock; they count when it gets there (is a clock wrong?)`;
}

/** What `dao join` says: what came, and whether this member takes part, or what to send to a member to. */
export function describeJoin(result: { dao: string; received: number; alreadyHeld: boolean; member: boolean }, address: string | null): string {
  const received = `${result.received} ${result.received === 1 ? 'envelope' : 'envelopes'} received`;
  const what = result.alreadyHeld ? `${result.dao} is on this node already; ${result.received === 0 ? 'nothing new received' : `new: ${received}`}.` : `joined ${result.dao}: ${received}.`;
  if (result.member) return `${what} You are a member.`;
  if (address === null) return `${what} You take part once you are a member: make an identity (\`daomesh identity create\`) and send its address to a member, to propose adding you.`;
  return `${what} You take part once a member.add proposal for your address passes: send it to a member (${address}).`;
}

export function addSyncCommands(program: Command, cli: CliContext): void {
  const dao = program.commands.find((command) => command.name() === 'dao');
  if (!dao) throw new Error('the dao command must be registered first');

  dao
    .command('invite')
    .description('print an invite code for a new device (it can sync the DAO; membership needs a passed member.add)')
    .argument('<dao>', 'DAO id')
    .addOption(durationOption('--expires <duration>', 'how long the code works (e.g. 30m, 2d; 1s to 90d)', { ms: 1000, words: '1s' }, { ms: maxInviteLifetimeMs, words: '90d' }).default(defaultInviteLifetimeMs, '7d'))
    .action(async (id: string, options: { expires: number }, command: Command) => {
      const result = await cli.withApi(command, (api) => api.call('dao.invite', { dao: id, expiresInMs: options.expires }));
      cli.print(cli.json(command), result, `${result.code}\n(invite ${result.invite}, expires ${new Date(result.expires).toISOString()})`);
    });

  dao
    .command('revoke-invite')
    .description("stop honouring an invite: this node's by its id, any node's by its whole code")
    .argument('<dao>', 'DAO id')
    .argument('<invite>', 'the invite id `dao invite` printed here, or the whole invite code')
    .action(async (id: string, invite: string, _options: unknown, command: Command) => {
      const result = await cli.withApi(command, (api) => api.call('dao.revokeInvite', { dao: id, invite }));
      cli.print(cli.json(command), { revoked: result.invite }, `revoked ${result.invite}`);
    });

  dao
    .command('join')
    .description("join a DAO with an invite code: connect to the inviter's node and receive the whole history")
    .argument('<code>', 'the invite code')
    .action(async (code: string, _options: unknown, command: Command) => {
      const { result, address } = await cli.withApi(command, async (api) => {
        const result = await api.call('dao.join', { code });
        // A device that is not a member is told which address to send to a member, as the UI tells it.
        return { result, address: result.member ? null : (await api.call('node.status', {})).address };
      });
      cli.print(cli.json(command), result, describeJoin(result, address));
    });

  dao
    .command('peers')
    .description("the DAO's nodes this node is connected to, and how it syncs")
    .argument('<dao>', 'DAO id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const status = await cli.withApi(command, (api) => api.call('dao.peers', { dao: id }));
      cli.print(cli.json(command), status, describeSync(status));
    });

  program
    .command('sync')
    .description('sync status')
    .command('status')
    .description('how every DAO on this node syncs')
    .action(async (_options: unknown, command: Command) => {
      const statuses = await cli.withApi(command, async (api) => {
        const daos = await api.call('dao.list', {});
        return await Promise.all(daos.map((summary) => api.call('dao.peers', { dao: summary.id })));
      });
      cli.print(cli.json(command), statuses, statuses.length === 0 ? 'no DAOs' : statuses.map(describeSync).join('\n'));
    });
}
