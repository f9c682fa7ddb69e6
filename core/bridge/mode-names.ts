// The bridge's names of the voting modes (those the UI and the CLI show) for the fold's.
import type { VotingMode } from '../governance/rules.ts';
import type { DaoRulesView } from './api.ts';

type VotingModeName = DaoRulesView['votingMode'];

export const modeNames = {
  'one-member-one-vote': 'majority',
  'reputation-weighted': 'reputation',
  quadratic: 'quadratic',
  'lazy-consensus': 'lazy',
} as const satisfies Record<VotingMode['type'], VotingModeName>;

/** A mode named either way (the fold's sentences carry its names), as the bridge names it; undefined for neither. */
export function bridgeModeName(name: string): VotingModeName | undefined {
  if (Object.hasOwn(modeNames, name)) return modeNames[name as keyof typeof modeNames];
  return (Object.values(modeNames) as string[]).includes(name) ? (name as VotingModeName) : undefined;
}

/**
 * The fold's sentence with a voting mode named as the bridge names it ("… in force (majority)", not
 * "(one-member-one-vote)"). The fold's own words stay in its state (and its hash).
 */
export function inBridgeTerms(sentence: string): string {
  return sentence.replace(/\(([\w-]+)\)$/, (whole, mode: string) => (Object.hasOwn(modeNames, mode) ? `(${bridgeModeName(mode)})` : whole));
}
