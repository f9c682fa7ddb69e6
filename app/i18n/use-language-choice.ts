// The saved language choice as React state, switching the UI language the moment it changes.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyLanguageChoice, readLanguageChoice, type LanguageChoice } from './language-choice.ts';

export function useLanguageChoice(): [LanguageChoice, (choice: LanguageChoice) => void] {
  const { i18n } = useTranslation();
  const [choice, setChoice] = useState<LanguageChoice>(readLanguageChoice);
  const choose = (next: LanguageChoice): void => {
    setChoice(next);
    void applyLanguageChoice(i18n, next);
  };
  return [choice, choose];
}
