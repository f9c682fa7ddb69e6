// Types t() keys against the English resource, so a misspelt or missing key is a compile error.
import 'i18next';
import type { Messages } from './resources/en.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}
