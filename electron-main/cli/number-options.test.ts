import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { durationOption, longestTimer, portOption, wholeNumberOption } from './number-options.ts';

function parse(argv: string[]): Record<string, unknown> {
  const command = new Command()
    .exitOverride()
    .addOption(wholeNumberOption('--votes <n>', 'votes', { min: 1, max: 1000 }))
    .addOption(portOption('--api-port <port>', 'port'))
    .addOption(durationOption('--sync-interval <duration>', 'interval', { ms: 100, words: '100ms' }, longestTimer).default(30_000));
  return command.parse(argv, { from: 'user' }).opts();
}

test('number options read digits and durations into numbers, and keep their defaults', () => {
  assert.deepEqual(parse([]), { syncInterval: 30_000 });
  assert.deepEqual(parse(['--votes', '1000', '--api-port', '0', '--sync-interval', '2s']), { votes: 1000, apiPort: 0, syncInterval: 2000 });
  assert.deepEqual(parse(['--api-port', '65535', '--sync-interval', '1.5s']), { apiPort: 65_535, syncInterval: 1500 });
  assert.equal(parse(['--sync-interval', '24d']).syncInterval, longestTimer.ms);
});

test('a number option refuses what is no number or out of range with BAD_REQUEST naming the option', () => {
  const refusals: [string[], string][] = [
    [['--votes', '0'], '--votes takes a whole number from 1 to 1000, not "0".'],
    [['--votes', '12abc'], '--votes takes a whole number from 1 to 1000, not "12abc".'],
    [['--votes', '1e3'], '--votes takes a whole number from 1 to 1000, not "1e3".'],
    [['--api-port', '65536'], '--api-port takes a port from 0 to 65535 (0: any free port), not "65536".'],
    [['--api-port', ''], '--api-port takes a port from 0 to 65535 (0: any free port), not "".'],
    [['--sync-interval', 'NaN'], '--sync-interval takes a duration, not "NaN".'],
    [['--sync-interval', '99ms'], '--sync-interval takes a duration from 100ms to 24d, not "99ms".'],
    [['--sync-interval', '25d'], '--sync-interval takes a duration from 100ms to 24d, not "25d".'],
  ];
  for (const [argv, message] of refusals) assert.throws(() => parse(argv), { code: 'BAD_REQUEST', message }, argv.join(' '));
  // A number without its unit: the refusal asks which unit was meant.
  assert.throws(() => parse(['--sync-interval', '2000']), {
    code: 'BAD_REQUEST',
    message: '--sync-interval takes a duration, not "2000".',
    hint: 'Say which you mean: 2000s, 2000m, 2000h or 2000d (2000ms for milliseconds).',
  });
});

test('the longest duration stays below the delay Node timers can hold', () => {
  assert.ok(longestTimer.ms <= 2 ** 31 - 1);
});
