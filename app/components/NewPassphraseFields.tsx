// A new passphrase typed twice, with inline messages; used when creating and when restoring an identity.
import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { NewPassphraseProblems } from './new-passphrase.ts';
import { PassphraseInput } from './PassphraseInput.tsx';

export interface NewPassphraseFieldsProps {
  passphrase: string;
  confirm: string;
  problems: NewPassphraseProblems;
  onPassphraseChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  disabled?: boolean;
}

export function NewPassphraseFields(props: NewPassphraseFieldsProps) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <PassphraseInput
        label={t('passphrase.label')}
        description={t('passphrase.newDescription')}
        value={props.passphrase}
        onChange={(event) => props.onPassphraseChange(event.currentTarget.value)}
        error={props.problems.passphrase ? t(props.problems.passphrase) : undefined}
        autoComplete="new-password"
        disabled={props.disabled}
        withAsterisk
        data-testid="passphrase"
      />
      <PassphraseInput
        label={t('passphrase.confirmLabel')}
        value={props.confirm}
        onChange={(event) => props.onConfirmChange(event.currentTarget.value)}
        error={props.problems.confirm ? t(props.problems.confirm) : undefined}
        autoComplete="new-password"
        disabled={props.disabled}
        withAsterisk
        data-testid="passphrase-confirm"
      />
    </Stack>
  );
}
