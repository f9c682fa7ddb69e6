// commander reports a usage error itself (a missing argument, an unknown command or option, a value not among the
// choices, a group like `dao` given no command): plain text or help on stderr, then exit 1. Under --json every
// failure is to be one JSON object on stderr, so there commander writes nothing to stderr and its errors are thrown
// as the CLI's own, for its one error printer. --help and --version still print on stdout and exit 0.
import type { Command, CommanderError } from 'commander';
import { DaomeshError } from '../../core/errors.ts';

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** commander's "error: unknown command 'x'\n(Did you mean y?)" as a sentence, and the fix. */
function usageError(command: Command, error: CommanderError): DaomeshError {
  const path = commandPath(command);
  // Help written in place of an error has no message: the command was given no subcommand.
  if (error.code === 'commander.help') return new DaomeshError('BAD_REQUEST', `\`${path}\` needs one of its commands.`, `Run \`${path} --help\` to see them.`);
  const [first = '', ...suggestion] = error.message.replace(/^error: /, '').split('\n');
  const sentence = `${first.charAt(0).toUpperCase()}${first.slice(1)}${/[.?!]$/.test(first) ? '' : '.'}`;
  const help = `Run \`${path} --help\` for its usage.`;
  return new DaomeshError('BAD_REQUEST', sentence, suggestion.length > 0 ? `${suggestion.join(' ').replace(/^\((.*)\)$/, '$1')} ${help}` : help);
}

/**
 * Makes commander's usage errors thrown DaomeshErrors, on the command and every subcommand: exitOverride and the
 * output configuration are copied to a subcommand only when it is made, and these are all made already.
 */
export function throwUsageErrors(command: Command): void {
  command.configureOutput({ writeErr: () => {} }).exitOverride((error) => {
    // Help or the version, printed on stdout: returning lets commander exit 0.
    if (error.exitCode === 0) return;
    throw usageError(command, error);
  });
  for (const subcommand of command.commands) throwUsageErrors(subcommand);
}
