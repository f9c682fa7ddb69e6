// The create-DAO form as typed, checked with the bridge's own schema for dao.create, so the form and the
// host agree on what is acceptable; problems come back as translation keys for inline messages.
import { Address, bridgeMethods, labelRefusal, type BridgeParams, type RulePreset } from '../../../../core/bridge/api.ts';
import { periodToMs, type Period } from '../../../time/period.ts';
import { everyKindAsTheDao, votingByKindFrom, type KindModeChoices } from '../kind-modes.ts';

export interface CreateDaoDraft {
  name: string;
  charter: string;
  preset: RulePreset;
  /** Addresses separated by new lines, commas or spaces. */
  founders: string;
  memberCap: number | string;
  votingPeriod: Period;
  gracePeriod: Period;
  /** Optional voting modes of their own for some proposal kinds. */
  kindModes: KindModeChoices;
}

export const defaultMemberCap = 15;

export function emptyCreateDaoDraft(): CreateDaoDraft {
  return {
    name: '',
    charter: '',
    preset: 'simple-majority',
    founders: '',
    memberCap: defaultMemberCap,
    votingPeriod: { amount: 3, unit: 'days' },
    gracePeriod: { amount: 1, unit: 'days' },
    kindModes: everyKindAsTheDao(),
  };
}

type PeriodProblem = 'dao.create.periodInvalid' | 'dao.create.periodTooShort' | 'dao.create.periodTooLong';

export interface CreateDaoProblems {
  name?: 'dao.create.nameRequired' | 'dao.create.nameTooLong' | 'dao.create.nameDirection' | 'dao.create.nameControl';
  charter?: 'dao.create.charterTooLong';
  founders?:
    | { key: 'dao.create.foundersInvalid'; values: string }
    | { key: 'dao.create.foundersSelf' }
    | { key: 'dao.create.foundersTooMany' };
  memberCap?: 'dao.create.memberCapInvalid';
  votingPeriod?: PeriodProblem;
  gracePeriod?: PeriodProblem;
}

export function hasCreateDaoProblems(problems: CreateDaoProblems): boolean {
  return Object.values(problems).some((problem) => problem !== undefined);
}

const fields = bridgeMethods['dao.create'].params.shape;

export function parseFounders(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(/[\s,;]+/)
    .filter((entry) => entry.length > 0)
    .filter((entry) => {
      const key = entry.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function checkPeriod(period: Period, schema: typeof fields.votingPeriodMs | typeof fields.gracePeriodMs): PeriodProblem | number {
  const ms = periodToMs(period);
  if (ms === null) return 'dao.create.periodInvalid';
  const parsed = schema.safeParse(ms);
  if (parsed.success) return ms;
  return parsed.error.issues.some((issue) => issue.code === 'too_big') ? 'dao.create.periodTooLong' : 'dao.create.periodTooShort';
}

const nameRefusals = {
  tooLong: 'dao.create.nameTooLong',
  direction: 'dao.create.nameDirection',
  control: 'dao.create.nameControl',
  required: 'dao.create.nameRequired',
} as const satisfies Record<ReturnType<typeof labelRefusal>, NonNullable<CreateDaoProblems['name']>>;

export function checkCreateDao(
  draft: CreateDaoDraft,
  myAddress: string | null,
): { problems: CreateDaoProblems; params: BridgeParams<'dao.create'> | null } {
  const problems: CreateDaoProblems = {};

  const name = fields.name.safeParse(draft.name);
  if (!name.success) {
    problems.name = nameRefusals[labelRefusal(name.error.issues)];
  }
  if (!fields.charter.safeParse(draft.charter).success) problems.charter = 'dao.create.charterTooLong';

  const founders = parseFounders(draft.founders);
  const invalid = founders.filter((entry) => !Address.safeParse(entry).success);
  if (invalid.length > 0) problems.founders = { key: 'dao.create.foundersInvalid', values: invalid.join(', ') };
  else if (myAddress && founders.some((entry) => entry.toLowerCase() === myAddress.toLowerCase())) problems.founders = { key: 'dao.create.foundersSelf' };
  else if (!fields.founders.safeParse(founders).success) problems.founders = { key: 'dao.create.foundersTooMany' };

  const memberCap = typeof draft.memberCap === 'number' ? draft.memberCap : Number.NaN;
  if (!fields.memberCap.safeParse(memberCap).success) problems.memberCap = 'dao.create.memberCapInvalid';

  const votingPeriod = checkPeriod(draft.votingPeriod, fields.votingPeriodMs);
  if (typeof votingPeriod === 'string') problems.votingPeriod = votingPeriod;
  const gracePeriod = checkPeriod(draft.gracePeriod, fields.gracePeriodMs);
  if (typeof gracePeriod === 'string') problems.gracePeriod = gracePeriod;

  if (hasCreateDaoProblems(problems) || typeof votingPeriod === 'string' || typeof gracePeriod === 'string') return { problems, params: null };
  const votingByKind = votingByKindFrom(draft.kindModes);
  return {
    problems,
    params: {
      name: draft.name.trim(),
      charter: draft.charter.trim(),
      preset: draft.preset,
      founders,
      memberCap,
      votingPeriodMs: votingPeriod,
      gracePeriodMs: gracePeriod,
      ...(Object.keys(votingByKind).length > 0 ? { votingByKind } : {}),
    },
  };
}
