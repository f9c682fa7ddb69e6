// Records the DAO keeps but gave no effect (a vote after the close, a removed member acting, …), each with
// the reason, both in the user's language (evidence-text.ts); folded away by default, as they matter mostly
// when something looks wrong.
import { Badge, Button, Card, Collapse, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import { MemberAddress } from '../../../components/MemberAddress.tsx';
import { ShowHideButton } from '../../../components/ShowHideButton.tsx';
import { evidenceReasonText, recordKindText } from './evidence-text.ts';

/** Rows shown at a time: a DAO of years keeps tens of thousands (each superseded vote is one). */
const rowsAtATime = 100;

/** `evidence` may be the first of `total` (the replica's view carries a bounded number, replica-fold.ts). */
export function EvidenceCard({ evidence, total }: { evidence: DaoView['evidence']; total: number }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState(rowsAtATime);
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="evidence-list" data-open={open ? 'true' : 'false'}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Group gap="sm">
              <Title order={4}>{t('dao.evidence.title')}</Title>
              <Badge variant="light" color={total > 0 ? 'orange' : 'gray'} data-testid="evidence-count">
                {total}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              {t('dao.evidence.description')}
            </Text>
          </div>
          {total > 0 && (
            <ShowHideButton open={open} onToggle={() => setOpen((current) => !current)} showLabel={t('dao.evidence.show')} hideLabel={t('dao.evidence.hide')} showName={t('dao.evidence.showNamed')} hideName={t('dao.evidence.hideNamed')} testId="evidence-toggle" />
          )}
        </Group>
        <Collapse expanded={open}>
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('dao.evidence.kind')}</Table.Th>
                  <Table.Th>{t('dao.evidence.author')}</Table.Th>
                  <Table.Th>{t('dao.evidence.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {evidence.slice(0, shown).map((entry) => (
                  <Table.Tr key={entry.recordId} data-testid="evidence-row" data-record={entry.recordId} data-kind={entry.kind} data-reason={entry.reason}>
                    <Table.Td>
                      <Text size="sm" title={entry.kind} data-testid="evidence-kind">
                        {recordKindText(t, entry.kind)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <MemberAddress address={entry.author} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" data-testid="evidence-reason">
                        {evidenceReasonText(t, entry.reason)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {evidence.length > shown && (
            <Group justify="center" mt="xs">
              <Button size="xs" variant="subtle" onClick={() => setShown((current) => current + rowsAtATime)} data-testid="evidence-more">
                {t('dao.evidence.more', { count: Math.min(rowsAtATime, evidence.length - shown) })}
              </Button>
            </Group>
          )}
          {evidence.length <= shown && total > evidence.length && (
            <Text size="sm" c="dimmed" ta="center" mt="xs" data-testid="evidence-rest">
              {t('dao.evidence.rest', { shown: evidence.length, total })}
            </Text>
          )}
        </Collapse>
      </Stack>
    </Card>
  );
}
