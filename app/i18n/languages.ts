// The languages the UI ships, and how a browser's language tag maps onto them.
export const supportedLanguages = ['en', 'zh-Hant'] as const;
export type Language = (typeof supportedLanguages)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (supportedLanguages as readonly string[]).includes(value);
}

/**
 * Taiwan, Hong Kong and Macau write Traditional Chinese, whatever script subtag the browser adds or omits;
 * other Chinese locales are left as they are and fall back to English, as the product has no Simplified text.
 */
export function toSupportedLanguage(tag: string): string {
  const lower = tag.toLowerCase();
  if (/^zh-(hant|tw|hk|mo)\b/.test(lower)) return 'zh-Hant';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return tag;
}
