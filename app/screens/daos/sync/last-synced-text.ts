// When a DAO last synced, in words: shared by the badge's tooltip and the DAO home's details line.
import type { TFunction } from 'i18next';
import type { DaoSyncStatus } from '../../../../core/bridge/api.ts';
import { formatMoment } from '../../../time/format-moment.ts';

export function lastSyncedText(t: TFunction, language: string, status: DaoSyncStatus): string {
  return status.lastSyncAt === null ? t('dao.sync.neverSynced') : t('dao.sync.lastSynced', { time: formatMoment(t, status.lastSyncAt, language) });
}
