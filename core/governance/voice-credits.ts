// Quadratic voting's price (rules.ts): n votes on one proposal cost n² voice credits. The fold charges it
// (ledger-index.ts); a ballot form uses it to offer only the votes a member's credits pay for.

/** What a ballot of `votes` votes costs. */
export function ballotCost(votes: number): number {
  return votes * votes;
}

/** The most votes `credits` voice credits pay for: the largest n with n² ≤ credits (0 when there are none). */
export function mostVotesFor(credits: number): number {
  // Credits are integers of at most 10^6 (rules.ts): a double's square root is exact enough to floor.
  return credits > 0 ? Math.floor(Math.sqrt(credits)) : 0;
}
