// Turns a bridge failure into a sentence in the user's language: by its code when the code is known,
// otherwise the host's own (English) message.
import type { TFunction } from 'i18next';
import { DaomeshError } from '../../core/errors.ts';

export function describeError(t: TFunction, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DaomeshError) {
    return t(`errors.${error.code}`, { message, defaultValue: message });
  }
  return t('errors.unknown', { message });
}
