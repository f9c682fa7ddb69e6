// Durations on the command line: 90s, 30m, 2h, 3d, 250ms, several parts as printed (1h 30m, 1d12h), or 0; and the
// same units in what it prints, so a duration the CLI shows can be typed back. A number without a unit is refused:
// read as milliseconds, `--grace-period 2` meant 2 ms to the node and likely 2 days to the person typing it.
import { DaomeshError } from '../../core/errors.ts';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)\s*/y;

export const durationHint = 'Use a number with a unit (ms, s, m, h or d), like 30m, 3d or 1h 30m.';

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^0+(?:\.0+)?$/.test(trimmed)) return 0;
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
    throw new DaomeshError('BAD_REQUEST', `A duration needs its unit: ${text}`, `Say which you mean: ${trimmed}s, ${trimmed}m, ${trimmed}h or ${trimmed}d (${trimmed}ms for milliseconds).`);
  }
  let ms = 0;
  let previousSize = Number.POSITIVE_INFINITY;
  part.lastIndex = 0;
  for (let match = part.exec(trimmed); match !== null; match = part.exec(trimmed)) {
    const size = units[match[2]!]!;
    // Largest unit first and each once, as printed: "1h 1h" or "30m 1h" is more likely a slip than a sum.
    if (size >= previousSize) break;
    previousSize = size;
    ms += Number(match[1]) * size;
    if (part.lastIndex === trimmed.length) return Math.round(ms);
  }
  throw new DaomeshError('BAD_REQUEST', `Not a duration: ${text}`, durationHint);
}

const largestFirst: Array<[string, number]> = [['d', units.d!], ['h', units.h!], ['m', units.m!], ['s', units.s!], ['ms', units.ms!]];

/** A duration in the units the options take, largest first: 3d, 2h 30m, 1s 500ms. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [unit, size] of largestFirst) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}
