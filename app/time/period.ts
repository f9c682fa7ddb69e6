// A period as people enter it (an amount and a unit) and as the bridge carries it (milliseconds).
export type PeriodUnit = 'minutes' | 'hours' | 'days';

export interface Period {
  /** As typed: NumberInput hands over a string while the field is empty or half-typed. */
  amount: number | string;
  unit: PeriodUnit;
}

export const periodUnits: readonly PeriodUnit[] = ['minutes', 'hours', 'days'];

const unitMs: Record<PeriodUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** Null when the amount is not a positive number (zero is allowed: a grace period may be none). */
export function periodToMs(period: Period): number | null {
  const amount = typeof period.amount === 'number' ? period.amount : Number.parseFloat(period.amount);
  if (!Number.isFinite(amount) || amount < 0) return null;
  return Math.round(amount * unitMs[period.unit]);
}

/** The largest unit that expresses the period in whole numbers, so a rule reads back as it was set. */
export function periodFromMs(ms: number): Period {
  for (const unit of ['days', 'hours', 'minutes'] as const) {
    if (ms >= unitMs[unit] && ms % unitMs[unit] === 0) return { amount: ms / unitMs[unit], unit };
  }
  return { amount: Math.round((ms / unitMs.minutes) * 100) / 100, unit: 'minutes' };
}
