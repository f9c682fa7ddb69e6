// Every error a user can meet carries a stable code, a sentence a person understands, and where useful the fix.

export const errorCodes = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'UNKNOWN_METHOD',
  'INTERNAL',
  'NO_IDENTITY',
  'IDENTITY_EXISTS',
  'IDENTITY_LOCKED',
  'WRONG_PASSPHRASE',
  'WEAK_PASSPHRASE',
  'INVALID_PHRASE',
  'CORRUPT_KEYSTORE',
  'DATA_DIR_IN_USE',
  'NODE_NOT_RUNNING',
  'INVALID_MULTIADDR',
  'DAO_NOT_FOUND',
  'PROPOSAL_NOT_FOUND',
  'NOT_A_MEMBER',
  'CANNOT_SIGN_TALLY',
  'STORAGE_FAILED',
  'INVALID_INVITE',
  'INVITE_EXPIRED',
  'INVITE_REVOKED',
  'INVITE_NOT_FOUND',
  'SYNC_FAILED',
  'RECORD_REJECTED',
  'TEXT_TOO_LONG',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/**
 * What exactly went wrong, where the code alone does not say and the message would carry English details:
 * the UI words it in the user's language (app's `errorDetails`), the CLI prints the message.
 */
export const errorDetails = [
  'invite-other-dao',
  'invite-not-a-code',
  'invite-damaged',
  'invite-altered',
  'invite-no-address',
  'invite-own',
  'invite-not-accepted',
  'inviter-unreachable',
  'inviter-busy',
  'inviter-no-dao',
  'inviter-refused',
] as const;

export type ErrorDetail = (typeof errorDetails)[number];

export function isErrorDetail(value: unknown): value is ErrorDetail {
  return typeof value === 'string' && (errorDetails as readonly string[]).includes(value);
}

export type ErrorInfo = { code: ErrorCode; message: string; hint?: string | undefined; detail?: ErrorDetail | undefined };

export class DaomeshError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly detail: ErrorDetail | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, detail?: ErrorDetail) {
    super(message);
    this.name = 'DaomeshError';
    this.code = code;
    this.hint = hint;
    this.detail = detail;
  }

  toJSON(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.hint !== undefined) info.hint = this.hint;
    if (this.detail !== undefined) info.detail = this.detail;
    return info;
  }
}

/** One line for a terminal: the sentence, then the fix. */
/** A sentence's end, perhaps inside a closing quote or bracket. */
const sentenceEnd = /[.!?。！？]["'”’)\]]?$/u;

/** The message, then the hint; a message that ends mid-sentence (one naming a value) gets its full stop first. */
export function formatError(error: ErrorInfo): string {
  if (!error.hint) return error.message;
  return `${sentenceEnd.test(error.message) ? error.message : `${error.message}.`} ${error.hint}`;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}
