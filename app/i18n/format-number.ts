// Numbers as the screens show them: shares of a whole (basis points) as percentages in the user's
// language, and counts that may be fractional (weighted tallies) without grouping, so a number reads back.
export function formatBps(bps: number, language: string): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 2 }).format(bps / 10_000);
}

const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, useGrouping: false });

export function formatAmount(value: number): string {
  return plain.format(value);
}
