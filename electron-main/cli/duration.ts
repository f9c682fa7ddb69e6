// Durations on the command line: 90s, 30m, 2h, 3d, several parts as printed (1h 30m, 1d12h), or plain
// milliseconds; and the same units in what it prints, so a duration the CLI shows can be typed back.
import { DaomeshError } from '../../core/errors.ts';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)\s*/y;

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed));
  let ms = 0;
  part.lastIndex = 0;
  for (let match = part.exec(trimmed); match !== null; match = part.exec(trimmed)) {
    ms += Number(match[1]) * units[match[2]!]!;
    if (part.lastIndex === trimmed.length) return Math.round(ms);
  }
  throw new DaomeshError('BAD_REQUEST', `Not a duration: ${text}`, 'Use a number with s, m, h or d, like 30m, 3d or 1h 30m.');
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
