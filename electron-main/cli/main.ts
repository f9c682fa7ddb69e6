#!/usr/bin/env node
// The `daomesh` command: runs a node in the foreground, and talks to a running one through its local API.
import { Command, Option } from 'commander';
import type { NodeStatus } from '../../core/bridge/api.ts';
import { DaomeshError, formatError, type ErrorInfo } from '../../core/errors.ts';
import { appVersion } from '../../core/version.ts';
import { connectApi, readApiEndpoint, type ApiClient } from '../host/api-client.ts';
import { defaultDataDir, userPath } from '../host/data-dir.ts';
import { addDaoCommands } from './dao-commands.ts';
import { markDashIds, unmarkDashIdsBeforeActions } from './dash-ids.ts';
import { durationOption, longestTimer, portOption, refuse } from './number-options.ts';
import { readSecret } from './secret-input.ts';
import { addSyncCommands } from './sync-commands.ts';
import { terminalLine, terminalText } from './terminal-text.ts';
import { addTextCommands } from './text-commands.ts';
import { throwUsageErrors } from './usage-errors.ts';

type GlobalOptions = { data?: string; json?: boolean };

// A shorter period only keeps a core busy: no peer answers that fast.
const shortestInterval = { ms: 100, words: '100ms' };

const program = new Command()
  .name('daomesh')
  .description('DAOmesh: a peer-to-peer mesh of small DAOs connected by bounties.')
  .version(appVersion)
  .addOption(
    // An empty path would resolve to the working directory, and a node would write its keys there.
    new Option('--data <dir>', 'data directory of the node (default: $DAOMESH_DATA or the OS app-data folder)').argParser((text) =>
      text.trim() === '' ? refuse('--data', 'a directory', text, 'Name the directory, or leave --data out for the default.') : text,
    ),
  )
  .option('--json', 'print machine-readable JSON')
  .configureOutput({ outputError: (text, write) => write(text) });

function globals(command: Command): { dataDir: string; json: boolean } {
  const options = command.optsWithGlobals<GlobalOptions>();
  return { dataDir: options.data === undefined ? defaultDataDir() : userPath(options.data), json: options.json === true };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// A reader that stops early (`daomesh dao list | head -1`) closes the pipe: what is left unprinted is not wanted,
// and an EPIPE is no failure of the command. It is dropped, not answered by exiting: a foreground node whose log
// reader went away still stops only by its signals, through its orderly shutdown.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

function print(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

async function withApi<T>(command: Command, use: (api: ApiClient) => Promise<T>): Promise<T> {
  const { dataDir } = globals(command);
  const api = await connectApi(await readApiEndpoint(dataDir));
  try {
    return await use(api);
  } finally {
    api.close();
  }
}

/** Where a passphrase comes from; a new one (`repeat`) is asked for twice at a prompt. */
function passphraseSource(file: string | undefined, prompt = 'Passphrase: ', repeat?: string) {
  return { file, env: 'DAOMESH_PASSPHRASE', prompt, what: 'passphrase', ...(repeat === undefined ? {} : { repeat }) };
}

program
  .command('node')
  .description('run a node in the foreground (Ctrl-C stops it)')
  .option('--listen <multiaddr>', 'address to listen on, repeatable', collect, [])
  .option('--bootstrap <multiaddr>', 'peer to connect to at start, repeatable (…/p2p/<peer id>)', collect, [])
  .option('--no-mdns', 'do not look for peers on the local network')
  .option('--relay', 'relay connections for DAOmesh peers that cannot be dialled directly (for an always-on node with a public address)')
  .addOption(durationOption('--mdns-interval <duration>', 'how often mDNS asks the LAN for peers (e.g. 10s, 500ms)', shortestInterval, longestTimer).default(10_000, '10s'))
  .option('--ui', 'serve the UI on 127.0.0.1 (web mode) and print its URL')
  .addOption(portOption('--api-port <port>', 'port of the local API and UI (default: any free port)'))
  .option('--passphrase-file <file>', 'unlock the identity at start with the passphrase in this file (or set DAOMESH_PASSPHRASE)')
  .addOption(durationOption('--sync-interval <duration>', 'how often each DAO is compared again with its peers (e.g. 30s, 500ms)', shortestInterval, longestTimer).default(30_000, '30s'))
  .action(async (options: { listen: string[]; bootstrap: string[]; mdns: boolean; relay?: boolean; mdnsInterval: number; ui?: boolean; apiPort?: number; passphraseFile?: string; syncInterval: number }, command: Command) => {
    const { dataDir, json } = globals(command);
    // Loaded here only: the host pulls in libp2p and the rest, which every other command would pay for at start.
    const { defaultListenFor, startHost } = await import('../host/host.ts');
    const host = await startHost({
      dataDir,
      listen: options.listen.length > 0 ? options.listen : defaultListenFor(options.bootstrap),
      bootstrap: options.bootstrap,
      mdns: options.mdns,
      mdnsInterval: options.mdnsInterval,
      relayServer: options.relay === true,
      syncIntervalMs: options.syncInterval,
      ui: options.ui === true,
      ...(options.apiPort === undefined ? {} : { apiPort: options.apiPort }),
      // A log line can quote a peer's or a record's text; a stack keeps its lines.
      log: (line) => process.stderr.write(`daomesh: ${terminalText(line)}\n`),
    });
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      host.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);

    if (host.keystore.state === 'locked' && (options.passphraseFile !== undefined || process.env.DAOMESH_PASSPHRASE)) {
      try {
        await host.keystore.unlock(await readSecret(passphraseSource(options.passphraseFile)));
        await host.identityReady();
      } catch (error) {
        await host.stop();
        throw error;
      }
    }
    const status = host.status();
    const summary = { peerId: status.peerId, address: status.address, listen: status.listen, api: host.apiUrl, ui: host.uiUrl };
    print(
      json,
      summary,
      [
        `DAOmesh node ${appVersion} running (Ctrl-C to stop)`,
        `  data:     ${dataDir}`,
        `  member:   ${status.address ?? '(no identity yet: create one in the UI or with `daomesh identity create`)'}${status.identity === 'locked' ? ' (locked)' : ''}`,
        `  peer id:  ${status.peerId}`,
        ...status.listen.map((address, index) => `  ${index === 0 ? 'listen: ' : '        '}  ${address}`),
        `  mDNS:     ${status.mdns ? 'on' : 'off'}`,
        ...(host.uiUrl ? [`  open the UI: ${host.uiUrl}`] : []),
      ].join('\n'),
    );
  });

program
  .command('id')
  .description("print this node's member address and peer id")
  .action(async (_options, command: Command) => {
    const status = await withApi(command, (api) => api.call('node.status', {}));
    print(globals(command).json, { address: status.address, peerId: status.peerId }, `address: ${status.address ?? '(none)'}\npeer id: ${status.peerId}`);
  });

program
  .command('peers')
  .description('list connected peers')
  .action(async (_options, command: Command) => {
    const peers = await withApi(command, (api) => api.call('peers.list', {}));
    print(globals(command).json, peers, peers.length === 0 ? 'no peers connected' : peers.map((peer) => terminalLine(`${peer.peerId}  ${peer.addrs.join(' ')}`)).join('\n'));
  });

program
  .command('status')
  .description("print the node's status: identity, addresses, peers")
  .action(async (_options, command: Command) => {
    const status: NodeStatus = await withApi(command, (api) => api.call('node.status', {}));
    print(
      globals(command).json,
      status,
      [
        `identity: ${status.identity}${status.address ? ` (${status.address})` : ''}`,
        `peer id:  ${status.peerId}`,
        `listen:   ${status.listen.join(' ')}`,
        `peers:    ${status.peers.length}`,
        `mDNS:     ${status.mdns ? 'on' : 'off'}`,
        ...(status.backupPending ? ['backup:   recovery phrase not confirmed written down (`daomesh identity backup`, then `daomesh identity confirm-backup`)'] : []),
      ].join('\n'),
    );
  });

const identity = program.command('identity').description('create, restore, unlock, lock or back up the member identity');

identity
  .command('create')
  .description('make a new member key and print its recovery phrase (write it down)')
  .option('--passphrase-file <file>', 'passphrase to encrypt the key with (or DAOMESH_PASSPHRASE, or a prompt)')
  .action(async (options: { passphraseFile?: string }, command: Command) => {
    const passphrase = await readSecret(passphraseSource(options.passphraseFile, 'New passphrase: ', 'The new passphrase again: '));
    const created = await withApi(command, (api) => api.call('identity.create', { passphrase }));
    print(
      globals(command).json,
      created,
      `address: ${created.address}\nrecovery phrase (write it down, keep it offline):\n  ${created.phrase}\nonce it is written down: daomesh identity confirm-backup`,
    );
  });

identity
  .command('restore')
  .description('restore a member key from its recovery phrase')
  .option('--phrase-file <file>', 'file holding the recovery phrase (or DAOMESH_PHRASE, or a prompt)')
  .option('--passphrase-file <file>', 'passphrase to encrypt the key with (or DAOMESH_PASSPHRASE, or a prompt)')
  .action(async (options: { phraseFile?: string; passphraseFile?: string }, command: Command) => {
    const phrase = await readSecret({ file: options.phraseFile, env: 'DAOMESH_PHRASE', prompt: 'Recovery phrase: ', what: 'phrase' });
    const passphrase = await readSecret(passphraseSource(options.passphraseFile, 'New passphrase: ', 'The new passphrase again: '));
    const restored = await withApi(command, (api) => api.call('identity.restore', { phrase, passphrase }));
    print(globals(command).json, restored, `address: ${restored.address}`);
  });

identity
  .command('unlock')
  .description('unlock the member key for signing')
  .option('--passphrase-file <file>', 'file holding the passphrase (or DAOMESH_PASSPHRASE, or a prompt)')
  .action(async (options: { passphraseFile?: string }, command: Command) => {
    const passphrase = await readSecret(passphraseSource(options.passphraseFile));
    const unlocked = await withApi(command, (api) => api.call('identity.unlock', { passphrase }));
    print(globals(command).json, unlocked, `unlocked ${unlocked.address}`);
  });

identity
  .command('lock')
  .description('forget the unlocked key until the passphrase is given again')
  .action(async (_options, command: Command) => {
    await withApi(command, (api) => api.call('identity.lock', {}));
    print(globals(command).json, { locked: true }, 'locked');
  });

identity
  .command('backup')
  .description('print the recovery phrase again (asks for the passphrase)')
  .option('--passphrase-file <file>', 'file holding the passphrase (or DAOMESH_PASSPHRASE, or a prompt)')
  .action(async (options: { passphraseFile?: string }, command: Command) => {
    const passphrase = await readSecret(passphraseSource(options.passphraseFile));
    const backup = await withApi(command, (api) => api.call('identity.backup', { passphrase }));
    print(globals(command).json, backup, backup.phrase);
  });

identity
  .command('confirm-backup')
  .description('say the recovery phrase is written down, so the UI stops reminding you to back it up')
  .action(async (_options, command: Command) => {
    await withApi(command, (api) => api.call('identity.confirmBackup', {}));
    print(globals(command).json, { backupPending: false }, 'recovery phrase backup confirmed');
  });

addDaoCommands(program, { json: (command) => globals(command).json, withApi, print });
addSyncCommands(program, { json: (command) => globals(command).json, withApi, print });
addTextCommands(program, { json: (command) => globals(command).json, withApi, print });

program.addHelpText(
  'after',
  `
All commands:
  daomesh node [--listen MULTIADDR]... [--bootstrap MULTIADDR]... [--no-mdns] [--mdns-interval D] [--relay] [--sync-interval D] [--ui] [--api-port N] [--passphrase-file F]
  daomesh id                 member address and peer id of the running node
  daomesh peers              connected peers
  daomesh status             identity state, addresses, peers
  daomesh identity create    [--passphrase-file F]
  daomesh identity restore   [--phrase-file F] [--passphrase-file F]
  daomesh identity unlock    [--passphrase-file F]
  daomesh identity lock
  daomesh identity backup    [--passphrase-file F]
  daomesh identity confirm-backup
  daomesh dao create --name N [--charter T] [--preset P] [--founder ADDR]... [--member-cap N] [--voting-period D] [--grace-period D] [--kind-voting KIND=P]...
  daomesh dao list | dao show DAO | dao members DAO | dao evidence DAO [--offset N] [--limit N] [--all]
  daomesh dao text DAO [charter|draft:ID] [--set T | --append T | --list]
  daomesh proposal create DAO --title T [--kind K] [--member ADDR] [--shares N] [--points N] [--text T]
  daomesh proposal create DAO --title T --kind rules.change [--voting-mode M] [--quorum %] [--threshold %] [--objection %] [--voting-period D] [--grace-period D] [--epoch D] [--credits-per-epoch N] [--member-cap N] [--signature-threshold N] [--reputation-half-life D|none] [--treasury-share %] [--income-split S] [--kind-voting KIND=P|KIND=dao]...
  daomesh proposal list DAO | proposal show DAO PROPOSAL | proposal withdraw DAO PROPOSAL
  daomesh vote DAO PROPOSAL yes|no|abstain [--votes N]
  daomesh tally sign DAO PROPOSAL
  daomesh rage-quit DAO --yes
  daomesh dao invite DAO [--expires D] | dao revoke-invite DAO INVITE | dao join CODE
  daomesh dao peers DAO | sync status
Every command takes --data DIR and --json. Passphrases come from a file, $DAOMESH_PASSPHRASE, or a hidden prompt.`,
);

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof DaomeshError) return error.toJSON();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

const json = process.argv.includes('--json');
try {
  unmarkDashIdsBeforeActions(program);
  // Without --json commander's own wording (and help after a bare `daomesh dao`) stays as it was.
  if (json) throwUsageErrors(program);
  await program.parseAsync(markDashIds(process.argv));
} catch (error) {
  const info = errorInfo(error);
  process.stderr.write(json ? `${JSON.stringify({ error: info })}\n` : `daomesh: ${terminalLine(formatError(info))}\n`);
  process.exit(1);
}
