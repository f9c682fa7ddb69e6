// Durations on the command line: 90s, 30m, 2h, 3d, or plain milliseconds.
import { DaomeshError } from '../../core/errors.ts';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new DaomeshError('BAD_REQUEST', `Not a duration: ${text}`, 'Use a number with s, m, h or d, like 30m or 3d.');
  return Math.round(Number(match[1]) * units[match[2] ?? 'ms']!);
}
