// Options that take a number, checked as commander reads them: a wrong value is refused naming its option and
// the values it takes. Unchecked, `Number.parseInt` turned "abc" into NaN, which failed far from the command
// line (a port) or not at all (a timer firing every millisecond).
import { Option } from 'commander';
import { DaomeshError } from '../../core/errors.ts';
import { parseDuration } from './duration.ts';

/** A bound of a duration option: the milliseconds, and how the refusal says it. */
export type DurationBound = { ms: number; words: string };

/** Longest timer Node keeps: a longer delay fires after 1 ms instead (TimeoutOverflowWarning). */
export const longestTimer: DurationBound = { ms: 24 * 86_400_000, words: '24d' };

export function refuse(flag: string, what: string, text: string, hint?: string): never {
  throw new DaomeshError('BAD_REQUEST', `${flag} takes ${what}, not "${text}".`, hint);
}

/** Digits only: parseInt would read "12abc" as 12 and "1e3" as 1. */
export function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) refuse(flag, `a whole number from ${min} to ${max}`, text);
  return value;
}

export function durationWithin(text: string, flag: string, least: DurationBound, most: DurationBound): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    refuse(flag, 'a duration', text, error instanceof DaomeshError ? error.hint : undefined);
  }
  if (ms < least.ms || ms > most.ms) refuse(flag, `a duration from ${least.words} to ${most.words}`, text);
  return ms;
}

function flagOf(option: Option): string {
  return option.long ?? option.flags;
}

export function wholeNumberOption(flags: string, description: string, range: { min: number; max: number }): Option {
  const option = new Option(flags, description);
  return option.argParser((text: string) => wholeNumber(text, flagOf(option), range.min, range.max));
}

/** A TCP port; 0 asks the system for any free one. */
export function portOption(flags: string, description: string): Option {
  const option = new Option(flags, description);
  return option.argParser((text: string) => {
    const port = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!(port >= 0 && port <= 65_535)) refuse(flagOf(option), 'a port from 0 to 65535 (0: any free port)', text);
    return port;
  });
}

/** A duration (30s, 5m, 250ms), in milliseconds. */
export function durationOption(flags: string, description: string, least: DurationBound, most: DurationBound): Option {
  const option = new Option(flags, description);
  return option.argParser((text: string) => durationWithin(text, flagOf(option), least, most));
}
