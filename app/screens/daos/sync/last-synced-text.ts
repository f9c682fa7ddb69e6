// When a DAO last synced, in words: shared by the badge's tooltip and the DAO home's details line.
import type { TFunction } from 'i18next';
import type { DaoSyncStatus } from '../../../../core/bridge/api.ts';
import { formatMoment } from '../../../time/format-moment.ts';

export function lastSyncedText(t: TFunction, language: string, status: DaoSyncStatus): string {
  if (status.lastSyncAt !== null) return t('dao.sync.lastSynced', { time: formatMoment(t, status.lastSyncAt, language) });
  // A node whose member left syncs no more: "not synced yet" beside "Not syncing" reads as if it were about to.
  return status.left ? t('dao.sync.leftHint') : t('dao.sync.neverSynced');
}
