// Which DAO an invite code names, or null for anything that is not a whole, untampered code. Only for showing
// that DAO's progress while the host joins it: the host checks the code again, and decides.
import { parseInviteCode } from '../../core/sync/invite.ts';
import { pureEd25519Verify } from '../../core/ledger/verifier.ts';

export function invitedDao(code: string): string | null {
  try {
    return parseInviteCode(code, pureEd25519Verify).dao;
  } catch {
    return null;
  }
}
