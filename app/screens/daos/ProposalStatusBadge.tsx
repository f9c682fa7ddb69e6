// A proposal's place in its lifecycle, in words and colour; `data-status` carries the bridge's own word.
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProposalView } from '../../../core/bridge/api.ts';
import { statusColor, statusLabel } from './dao-labels.ts';

export function ProposalStatusBadge({ status, testId }: { status: ProposalView['status']; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={statusColor[status]} data-status={status} data-testid={testId} style={{ flexShrink: 0 }}>
      {t(statusLabel[status])}
    </Badge>
  );
}
