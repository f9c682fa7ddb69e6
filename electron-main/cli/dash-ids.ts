// Record and DAO ids are base64url, so one in 64 starts with "-", and commander reads such an argument as an
// unknown option ("unknown option '-rSs…'"). Before parsing, an id-shaped argument that starts with "-" gets a
// marker that commander does not read as an option; before the action runs, the marker comes off again.
import type { Command } from 'commander';

const marker = '\u2063'; // INVISIBLE SEPARATOR: nobody types it, and it does not start with "-"
const dashId = /^-[A-Za-z0-9_-]{42}$/;

function isMarked(value: unknown): boolean {
  return typeof value === 'string' ? value.startsWith(marker) : Array.isArray(value) && value.some(isMarked);
}

function unmark(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(marker) ? value.slice(marker.length) : value;
  return Array.isArray(value) ? value.map(unmark) : value;
}

/** The command line with every id that starts with "-" marked, so that it reaches its command as an argument. */
export function markDashIds(argv: readonly string[]): string[] {
  return argv.map((arg) => (dashId.test(arg) ? `${marker}${arg}` : arg));
}

/** Takes the marks off the arguments and option values of the command about to run. */
export function unmarkDashIdsBeforeActions(program: Command): void {
  program.hook('preAction', (_program, action) => {
    action.processedArgs = action.processedArgs.map(unmark);
    for (let command: Command | null = action; command; command = command.parent) {
      for (const [key, value] of Object.entries(command.opts())) if (isMarked(value)) command.setOptionValue(key, unmark(value));
    }
  });
}
