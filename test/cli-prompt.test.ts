// A new passphrase typed at the CLI's prompt is asked for twice, on a real terminal: a typo there would lock the
// member out of their key until they restore it from the recovery phrase. The terminal is a pseudo-terminal from
// `script` (util-linux's bsdutils, on every Debian machine); the node and the CLI are real.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeDir, repoRoot, runCli, startCliNode, type RunningNode } from './fixtures/cli.ts';

let node: RunningNode;

before(async () => {
  node = await startCliNode();
});

after(async () => {
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

/** The CLI run on a terminal of its own, `typed` written to it; everything the terminal showed, and the exit code. */
function onTerminal(args: string[], typed: string): Promise<{ code: number | null; shown: string }> {
  const command = [process.execPath, join(repoRoot, 'electron-main', 'cli', 'main.ts'), ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const env = { ...process.env };
  delete env.DAOMESH_PASSPHRASE;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let shown = '';
    child.stdout.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (shown += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, shown }));
    child.stdin.end(typed);
  });
}

test('identity create asks for the new passphrase twice at a prompt, and refuses two that differ', async () => {
  const data = ['--data', node.dataDir];
  const differing = await onTerminal([...data, 'identity', 'create'], 'a first long passphrase\na second long passphrase\n');
  assert.equal(differing.code, 1, differing.shown);
  assert.match(differing.shown, /New passphrase: /);
  assert.match(differing.shown, /The new passphrase again: /);
  assert.match(differing.shown, /daomesh: The two passphrases typed differ; nothing was changed\. Run the command again\./);
  assert.equal((await runCli([...data, 'status', '--json'])).stdout.includes('"identity":"none"'), true, 'no identity made');

  const same = await onTerminal([...data, 'identity', 'create'], 'the same long passphrase\nthe same long passphrase\n');
  assert.equal(same.code, 0, same.shown);
  const address = /address: (0x[0-9a-fA-F]{40})/.exec(same.shown)?.[1];
  assert.ok(address, same.shown);
  await runCli([...data, 'identity', 'lock']);
  const file = join(node.dataDir, 'passphrase.txt');
  await writeFile(file, 'the same long passphrase\n');
  const unlocked = await runCli([...data, 'identity', 'unlock', '--passphrase-file', file]);
  assert.equal(unlocked.code, 0, unlocked.stderr);
  assert.match(unlocked.stdout, new RegExp(address));
});
