// Durations in words, in the user's language: "3 days" for a rule, "2d 4h 5m 9s" for a countdown.
import type { TFunction } from 'i18next';

interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

function splitDuration(ms: number): DurationParts {
  const total = Math.max(0, Math.floor(ms / 1000));
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

/** The two largest units that are not zero: "3 days", "1 day 12 hours", "90 seconds" reads "1 minute 30 seconds". */
export function formatDuration(t: TFunction, ms: number): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  const words = [
    days > 0 ? t('time.days', { count: days }) : null,
    hours > 0 ? t('time.hours', { count: hours }) : null,
    minutes > 0 ? t('time.minutes', { count: minutes }) : null,
    seconds > 0 ? t('time.seconds', { count: seconds }) : null,
  ].filter((word): word is string => word !== null);
  return words.length === 0 ? t('time.seconds', { count: 0 }) : words.slice(0, 2).join(' ');
}

/** Time left, down to the second, leaving out leading units that are zero. */
export function formatCountdown(t: TFunction, ms: number): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  const words: string[] = [];
  if (days > 0) words.push(t('time.short.days', { count: days }));
  if (days > 0 || hours > 0) words.push(t('time.short.hours', { count: hours }));
  if (days > 0 || hours > 0 || minutes > 0) words.push(t('time.short.minutes', { count: minutes }));
  words.push(t('time.short.seconds', { count: seconds }));
  return words.join(' ');
}
