// One i18next instance for the UI: a saved choice wins, then the browser's languages, then English.
import i18next, { type i18n } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { languageStorageKey } from './language-choice.ts';
import { supportedLanguages, toSupportedLanguage } from './languages.ts';
import { en } from './resources/en.ts';
import { zhHant } from './resources/zh-Hant.ts';

export async function createI18n(): Promise<i18n> {
  const instance = i18next.createInstance();
  instance.use(LanguageDetector).use(initReactI18next);
  await instance.init({
    resources: { en: { translation: en }, 'zh-Hant': { translation: zhHant } },
    supportedLngs: [...supportedLanguages],
    fallbackLng: 'en',
    // React already escapes what it renders.
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: languageStorageKey,
      // Nothing is cached automatically: only an explicit choice in Settings is saved, so
      // "System default" keeps following the browser.
      caches: [],
      convertDetectedLanguage: toSupportedLanguage,
    },
  });
  const showLanguage = (language: string): void => {
    document.documentElement.lang = language;
  };
  showLanguage(instance.resolvedLanguage ?? 'en');
  instance.on('languageChanged', () => showLanguage(instance.resolvedLanguage ?? 'en'));
  return instance;
}
