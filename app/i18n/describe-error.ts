// Turns a bridge failure into a sentence in the user's language: by its code when the code is known (and its
// detail code, where the host gave one, worded here too), otherwise the host's own (English) message.
import type { TFunction } from 'i18next';
import { DaomeshError } from '../../core/errors.ts';

export function describeError(t: TFunction, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DaomeshError) {
    const detail = error.detail === undefined ? message : t(`errorDetails.${error.detail}`, { defaultValue: message });
    return t(`errors.${error.code}`, { message, detail, defaultValue: message });
  }
  return t('errors.unknown', { message });
}
