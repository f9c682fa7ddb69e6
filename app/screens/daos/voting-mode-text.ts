// A voting mode in one line of the user's language, for the rules card's per-kind rows and the forms.
import type { TFunction } from 'i18next';
import type { VotingModeView } from '../../../core/bridge/api.ts';
import { formatBps } from '../../i18n/format-number.ts';

/** How many of the yes and no votes must be yes: "more than 50%", or, at 100% (unanimity in tally.ts), "all". */
export function passingShare(t: TFunction, thresholdBps: number, language: string): string {
  return thresholdBps >= 10_000 ? t('dao.rules.passingAll') : t('dao.rules.passing', { share: formatBps(thresholdBps, language) });
}

export function describeVotingMode(t: TFunction, mode: VotingModeView, language: string): string {
  const percent = (bps: number): string => formatBps(bps, language);
  const shares = { quorum: percent(mode.quorumBps), passing: passingShare(t, mode.thresholdBps, language), objection: percent(mode.objectionBps) };
  switch (mode.votingMode) {
    case 'majority':
      return t('dao.rules.modeLine.majority', shares);
    case 'reputation':
      return t('dao.rules.modeLine.reputation', shares);
    case 'quadratic':
      return t('dao.rules.modeLine.quadratic', { ...shares, count: mode.creditsPerEpoch });
    case 'lazy':
      return t('dao.rules.modeLine.lazy', shares);
  }
}
