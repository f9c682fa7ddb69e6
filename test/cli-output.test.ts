// What the CLI writes: with --json every failure, commander's usage errors too, is one JSON object on stderr; in
// the human output, text that other members chose cannot steer the terminal.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ProposalView } from '../core/bridge/api.ts';
import { terminalLine, terminalText } from '../electron-main/cli/terminal-text.ts';
import { makeDataDir, removeDir, runCli, startCliNode } from './fixtures/cli.ts';

const usageErrors: [string[], string][] = [
  [['dao', 'show'], "Missing required argument 'dao'."],
  [['dao', 'bogus'], "Unknown command 'bogus'."],
  [['--bogus', 'status'], "Unknown option '--bogus'."],
  [['vote', 'a', 'b'], "Missing required argument 'choice'."],
  [['dao', 'create', '--name', 'x', '--preset', 'nope'], "Option '--preset <preset>' argument 'nope' is invalid. Allowed choices are simple-majority, supermajority, quadratic, reputation-weighted, lazy-consensus."],
  [['dao'], '`daomesh dao` needs one of its commands.'],
];

test('with --json a usage error is one JSON error on stderr and exit 1; without, commander’s text', async () => {
  const root = await makeDataDir();
  try {
    const data = join(root, 'data');
    for (const [args, message] of usageErrors) {
      const asJson = await runCli(['--data', data, '--json', ...args]);
      assert.equal(asJson.code, 1, `${args.join(' ')}: ${asJson.stderr}`);
      assert.equal(asJson.stdout, '');
      assert.match(asJson.stderr, /^\{[^\n]*\}\n$/, `one JSON line and nothing else: ${asJson.stderr}`);
      const { error } = JSON.parse(asJson.stderr) as { error: { code: string; message: string; hint?: string } };
      assert.equal(error.code, 'BAD_REQUEST');
      assert.equal(error.message, message);
      assert.match(error.hint ?? '', /Run `daomesh[a-z ]*--help`/);

      const human = await runCli(['--data', data, ...args]);
      assert.equal(human.code, 1, `${args.join(' ')}: ${human.stderr}`);
      assert.match(human.stderr, args.length === 1 ? /^Usage: daomesh dao / : /^error: /, `human text: ${human.stderr}`);
    }
  } finally {
    await removeDir(root);
  }
});

test('with --json, --help and --version still print on stdout and exit 0', async () => {
  for (const args of [['--help'], ['dao', 'show', '--help'], ['help', 'dao'], ['--version']]) {
    const result = await runCli(['--json', ...args]);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, args[0] === '--version' ? /^\d+\.\d+\.\d+\n$/ : /^Usage: daomesh/);
  }
});

test('terminal text shows control and bidi characters as escapes, and keeps ordinary Unicode', () => {
  assert.equal(terminalLine('a\x1b[2Kb'), 'a\\x1b[2Kb');
  assert.equal(terminalLine('fake\rreal'), 'fake\\x0dreal');
  assert.equal(terminalLine('ring\x07 back\x08'), 'ring\\x07 back\\x08');
  assert.equal(terminalLine('nul\x00 del\x7f'), 'nul\\x00 del\\x7f');
  assert.equal(terminalLine('csi\u009b2J next\u0085line'), 'csi\\x9b2J next\\x85line');
  assert.equal(terminalLine('\u202aa\u202bb\u202cc\u202dd\u202ee'), '\\u202aa\\u202bb\\u202cc\\u202dd\\u202ee');
  assert.equal(terminalLine('\u2066a\u2067b\u2068c\u2069'), '\\u2066a\\u2067b\\u2068c\\u2069');
  assert.equal(terminalLine('two\nlines\tand a tab'), 'two\\x0alines\\x09and a tab');
  assert.equal(terminalText('two\nlines\tand a tab\r\x1b[8m'), 'two\nlines\tand a tab\\x0d\\x1b[8m');
  const ordinary = 'Lunch — café, 日本語, עברית, العربية, 🌱👩‍🌾 (ZWJ), non\u00a0breaking';
  assert.equal(terminalLine(ordinary), ordinary);
  assert.equal(terminalText(ordinary), ordinary);
});

test('a proposal whose text carries terminal escapes shows with them visible; --json keeps them exact; a title may not carry them', async () => {
  const node = await startCliNode();
  const env = { DAOMESH_PASSPHRASE: 'a long enough passphrase' };
  const other = `0x${'2'.repeat(40)}`;
  const cli = (args: string[]) => runCli(['--data', node.dataDir, ...args], { env });
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await cli([...args, '--json']);
    assert.equal(result.code, 0, `daomesh ${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  try {
    await json(['identity', 'create']);
    const { dao } = await json<{ dao: string }>(['dao', 'create', '--name', 'Club', '--founder', other]);
    const steering = '\x1b[1G\x1b[2Kx  [open] signal: Lunch budget for March\x1b[8m';
    // A title is one line of text: the node refuses control characters in it (a peer's record may still hold them).
    const refused = await cli(['proposal', 'create', dao, '--title', steering]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /title must be text on one line, without line breaks, tabs or other control characters/);
    assert.ok(!refused.stderr.includes('\x1b'), 'the refusal does not echo the escapes raw');

    const { proposal } = await json<{ proposal: string }>(['proposal', 'create', dao, '--title', 'Lunch', '--text', steering]);
    const shown = await cli(['proposal', 'show', dao, proposal]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^ {2}\\x1b\[1G\\x1b\[2Kx {2}\[open\] signal: Lunch budget for March\\x1b\[8m$/m);
    assert.ok(!shown.stdout.includes('\x1b'), 'no raw ESC reaches the terminal');

    const asJson = await json<ProposalView>(['proposal', 'show', dao, proposal]);
    assert.ok(asJson.params?.kind === 'signal');
    assert.equal(asJson.params.text, steering);
  } finally {
    await node.stop();
    await removeDir(node.dataDir);
  }
});
