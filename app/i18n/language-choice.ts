// The language the user picked in Settings, kept in localStorage; 'system' means none is saved.
import type { i18n } from 'i18next';
import { isLanguage, type Language } from './languages.ts';

export const languageStorageKey = 'daomesh.language';

export type LanguageChoice = 'system' | Language;

export function readLanguageChoice(): LanguageChoice {
  const saved = window.localStorage.getItem(languageStorageKey);
  return isLanguage(saved) ? saved : 'system';
}

export async function applyLanguageChoice(instance: i18n, choice: LanguageChoice): Promise<void> {
  if (choice === 'system') {
    window.localStorage.removeItem(languageStorageKey);
    // With no language given, i18next asks the detector again, which now finds only the browser's languages.
    await instance.changeLanguage();
  } else {
    window.localStorage.setItem(languageStorageKey, choice);
    await instance.changeLanguage(choice);
  }
}
