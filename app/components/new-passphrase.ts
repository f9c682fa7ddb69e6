// Checks a new passphrase and its confirmation with the bridge's own Passphrase schema, so the form and
// the host agree on what is acceptable; the result is translation keys for inline messages.
import { Passphrase } from '../../core/bridge/api.ts';

export type PassphraseProblem = 'passphrase.required' | 'passphrase.tooShort' | 'passphrase.tooLong';

export interface NewPassphraseProblems {
  passphrase?: PassphraseProblem;
  confirm?: 'passphrase.mismatch';
}

export function checkNewPassphrase(passphrase: string, confirm: string): NewPassphraseProblems {
  const problems: NewPassphraseProblems = {};
  const parsed = Passphrase.safeParse(passphrase);
  if (passphrase.length === 0) problems.passphrase = 'passphrase.required';
  else if (!parsed.success) {
    problems.passphrase = parsed.error.issues.some((issue) => issue.code === 'too_big')
      ? 'passphrase.tooLong'
      : 'passphrase.tooShort';
  }
  if (passphrase !== confirm) problems.confirm = 'passphrase.mismatch';
  return problems;
}

export function hasProblems(problems: NewPassphraseProblems): boolean {
  return problems.passphrase !== undefined || problems.confirm !== undefined;
}
