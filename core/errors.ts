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
  'SYNC_FAILED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export type ErrorInfo = { code: ErrorCode; message: string; hint?: string | undefined };

export class DaomeshError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'DaomeshError';
    this.code = code;
    this.hint = hint;
  }

  toJSON(): ErrorInfo {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

/** One line for a terminal: the sentence, then the fix. */
export function formatError(error: ErrorInfo): string {
  return error.hint ? `${error.message} ${error.hint}` : error.message;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}
