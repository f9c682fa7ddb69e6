// The bodies of votes and tally signatures — most of a DAO's records — checked without zod when they have the
// one shape a well-formed body has. Each gives what its schema in record-kinds.ts gives, except that the records
// it names stay 32-byte hashes (the fold finds them by hash, so no id is made for them), or null for anything
// else, which then goes through the schema (and the schema says what is wrong). Schema parsing was about a tenth
// of the fold's time per record.
import { compareBytes, type RecordBody } from '../ledger/record.ts';
import type { TallySignBody, VoteBody } from './record-kinds.ts';

/** voteBodySchema's result, with the proposal as its hash. */
export type QuickVoteBody = Omit<VoteBody, 'proposal'> & { readonly proposal: Uint8Array };
/** tallySignBodySchema's result, with the proposal and votes as their hashes. */
export type QuickTallySignBody = Omit<TallySignBody, 'proposal' | 'votes'> & { readonly proposal: Uint8Array; readonly votes: readonly Uint8Array[] };

const voteKeys: readonly string[] = ['proposal', 'choice', 'votes'];
const tallyKeys: readonly string[] = ['proposal', 'votes', 'outcome'];

/** A plain map whose own keys are all among `keys` (what a strict object schema allows). */
function onlyKeys(body: RecordBody, keys: readonly string[]): boolean {
  if (Object.getPrototypeOf(body) !== Object.prototype) return false;
  // for-in sees the own enumerable keys here (the prototype has none) without making an array of them.
  for (const key in body) if (!keys.includes(key)) return false;
  return true;
}

function isId(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === 32;
}

/** voteBodySchema's result for a well-formed vote body (the proposal as its hash), else null. */
export function quickVoteBody(raw: RecordBody): QuickVoteBody | null {
  if (!onlyKeys(raw, voteKeys)) return null;
  const { proposal, choice, votes } = raw;
  if (!isId(proposal) || (choice !== 'yes' && choice !== 'no' && choice !== 'abstain')) return null;
  if (!Object.hasOwn(raw, 'votes')) return { proposal, choice };
  if (typeof votes !== 'number' || !Number.isSafeInteger(votes) || votes < 0 || votes > 1_000_000) return null;
  return { proposal, choice, votes };
}

/** tallySignBodySchema's result for a well-formed tally signature body (records as their hashes), else null. */
export function quickTallySignBody(raw: RecordBody): QuickTallySignBody | null {
  if (!onlyKeys(raw, tallyKeys)) return null;
  const { proposal, votes, outcome } = raw;
  if (!isId(proposal) || (outcome !== 'passed' && outcome !== 'rejected') || !Array.isArray(votes) || votes.length > 1000) return null;
  for (let i = 0; i < votes.length; i++) {
    const vote = votes[i];
    if (!isId(vote) || (i > 0 && compareBytes(votes[i - 1] as Uint8Array, vote) >= 0)) return null;
  }
  return { proposal, votes: votes as Uint8Array[], outcome };
}
