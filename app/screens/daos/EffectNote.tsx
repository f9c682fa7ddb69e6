// When a passed proposal takes effect, ticking: "Takes effect in 2h 5m", then "Taking effect…" once the clock is
// past its executesAt. The fold keeps the status `passed` until a record claiming a later time arrives (execution
// is decided by record times, by design); a member's node writes one within seconds if nobody else does
// (DaoService, "#execute"), and the status then becomes `executed`, which has no note. Not "In effect" before
// then: the DAO's state does not show the effect yet, and would not if no member were left to write the record.
import type { TextProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProposalView } from '../../../core/bridge/api.ts';
import { Countdown } from '../../components/Countdown.tsx';

export function EffectNote({ proposal, ...textProps }: { proposal: ProposalView } & TextProps) {
  const { t } = useTranslation();
  if (proposal.status !== 'passed' || proposal.executesAt === null) return null;
  return (
    <Countdown
      until={proposal.executesAt}
      running={(left) => t('proposal.effect.takesEffectIn', { time: left })}
      elapsed={t('proposal.effect.due')}
      c="teal"
      {...textProps}
      testId="effect-note"
    />
  );
}
