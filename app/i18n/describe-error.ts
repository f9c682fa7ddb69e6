// Turns a bridge failure into a sentence in the user's language: by its code when the code is known (and its
// detail code, where the host gave one, worded here too), otherwise the host's own (English) message. A write the
// fold would not count (RECORD_REJECTED) carries the fold's reason, worded as the evidence list words it.
import type { TFunction } from 'i18next';
import { DaomeshError } from '../../core/errors.ts';
import { evidenceReasonText } from '../screens/daos/home/evidence-text.ts';

/** The host's RECORD_REJECTED message (dao-service.ts refuseIgnored): the fold's reason after the colon. */
const rejectedRecord = /^The DAO would not count this [^:]+: (.+)\.$/s;

export function describeError(t: TFunction, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DaomeshError) {
    const detail = error.detail === undefined ? message : t(`errorDetails.${error.detail}`, { defaultValue: message });
    const rejected = error.code === 'RECORD_REJECTED' ? rejectedRecord.exec(message) : null;
    const reason = rejected ? evidenceReasonText(t, rejected[1]!) : message;
    return t(`errors.${error.code}`, { message, detail, reason, defaultValue: message });
  }
  return t('errors.unknown', { message });
}
