// A moment (epoch milliseconds) as a date and time in the user's language.
import type { TFunction } from 'i18next';

/**
 * A record's time is only claimed, and may be any whole number of ms (core/ledger/record.ts): past about the year
 * 275,760 no Date holds it and Intl throws, which would take down the screen that shows it. Such a moment reads
 * as impossible instead.
 */
export function formatMoment(t: TFunction, ms: number, language: string): string {
  if (Number.isNaN(new Date(ms).getTime())) return t('time.impossibleMoment');
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}
