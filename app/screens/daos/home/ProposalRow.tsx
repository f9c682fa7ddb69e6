// One proposal in a DAO's list: title, kind, status and the time left: to vote while voting is open, before it
// takes effect once it passed.
import { Badge, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DaoRulesView, ProposalView } from '../../../../core/bridge/api.ts';
import { Countdown } from '../../../components/Countdown.tsx';
import { kindLabel } from '../dao-labels.ts';
import { EffectNote } from '../EffectNote.tsx';
import { ProposalStatusBadge } from '../ProposalStatusBadge.tsx';
import { effectLine } from '../proposal/proposal-effect.ts';
import classes from './ProposalRow.module.css';
import { MemberText } from '../../../components/MemberText.tsx';

export function ProposalRow({ proposal, rules, onOpen }: { proposal: ProposalView; rules: DaoRulesView; onOpen: () => void }) {
  const { t, i18n } = useTranslation();
  const line = proposal.params ? effectLine(t, proposal.params, rules, i18n.resolvedLanguage ?? 'en', proposal.status) : proposal.summary;
  return (
    <UnstyledButton className={classes.row} onClick={onOpen} data-testid="proposal-row" data-proposal={proposal.id} data-status={proposal.status}>
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Text fw={600} truncate="end" data-testid="proposal-row-title">
            <MemberText text={proposal.title} />
          </Text>
          <Group gap="xs">
            <Badge variant="outline" color="gray" size="sm">
              {t(kindLabel[proposal.kind])}
            </Badge>
            <ProposalStatusBadge status={proposal.status} />
            <EffectNote proposal={proposal} size="xs" />
            {proposal.status === 'open' && (
              <Countdown
                until={proposal.votingEndsAt}
                running={(left) => t('proposal.list.endsIn', { time: left })}
                elapsed={t('proposal.list.votingOver')}
                size="xs"
                c="dimmed"
              />
            )}
          </Group>
          {line && (
            <Text size="xs" c="dimmed" lineClamp={1} style={{ overflowWrap: 'anywhere' }} data-testid="proposal-row-effect">
              {line}
            </Text>
          )}
        </Stack>
        <IconChevronRight size={18} stroke={1.6} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
      </Group>
    </UnstyledButton>
  );
}
