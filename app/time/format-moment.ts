// A moment (epoch milliseconds) as a date and time in the user's language.
export function formatMoment(ms: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}
