// A form that asks for a passphrase: an optional heading, the form's own fields, the passphrase (a new one typed
// twice, or the one in use), the host's error and the buttons. It checks what was typed before it calls the host,
// and keeps the form busy meanwhile. Used to create, restore and unlock the identity and to reveal its phrase.
import { Button, Group, Stack, Text, type MantineSpacing } from '@mantine/core';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { FormError } from './FormError.tsx';
import { focusIfLost } from './lost-focus.ts';
import { checkNewPassphrase, hasProblems, type NewPassphraseProblems } from './new-passphrase.ts';
import { NewPassphraseFields } from './NewPassphraseFields.tsx';
import { PassphraseInput } from './PassphraseInput.tsx';
import { ScreenTitle } from '../layout/ScreenTitle.tsx';

/** The field of the passphrase in use; a new passphrase has fixed fields (NewPassphraseFields). */
export interface CurrentPassphraseField {
  description?: string;
  testId: string;
  /** `autoFocus` on a page; `data-autofocus` in a modal, whose focus trap places the focus. */
  focus: 'autoFocus' | 'data-autofocus';
}

export interface PassphraseFormProps {
  /** 'new': typed twice and checked against the bridge's schema (create, restore); otherwise the one in use. */
  passphrase: 'new' | CurrentPassphraseField;
  title?: string;
  description?: string;
  gap?: MantineSpacing;
  /** The form's own fields, above the passphrase, given whether the form is busy (to disable them meanwhile). */
  children?: (busy: boolean) => ReactNode;
  /** Checks the form's own fields and shows their messages; runs with the passphrase's check, so all show at once. */
  checkFields?: () => boolean;
  submitLabel: string;
  submitTestId: string;
  /** A Back button at the far left (a step of a flow). */
  onBack?: () => void;
  /** A Cancel button beside the submit button (a dialog). */
  onCancel?: () => void;
  /** Calls the host with the passphrase; a rejection shows as the form's error. */
  onSubmit: (passphrase: string) => Promise<void>;
  /** 'clear': empty the passphrase and make the form usable again; 'stay-busy': the caller moves on to another screen. */
  afterSuccess: 'clear' | 'stay-busy';
}

export function PassphraseForm(props: PassphraseFormProps) {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<NewPassphraseProblems>({});
  const [hostError, setHostError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const current = props.passphrase === 'new' ? null : props.passphrase;
  const passphraseField = useRef<HTMLInputElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const found: NewPassphraseProblems = current === null ? checkNewPassphrase(passphrase, confirm) : passphrase.length === 0 ? { passphrase: 'passphrase.required' } : {};
    const fieldsFine = props.checkFields?.() ?? true;
    setProblems(found);
    setHostError(null);
    if (!fieldsFine || hasProblems(found)) return;
    setBusy(true);
    try {
      await props.onSubmit(passphrase);
      if (props.afterSuccess === 'clear') {
        setPassphrase('');
        setConfirm('');
        setBusy(false);
      }
    } catch (error) {
      // The form was disabled meanwhile, which dropped the focus: back to the passphrase in use (a wrong one is
      // typed again), or to the button.
      flushSync(() => {
        setHostError(error);
        setBusy(false);
      });
      focusIfLost(current === null ? submitRef.current : passphraseField.current);
    }
  }

  const submitButton = (
    <Button ref={submitRef} type="submit" loading={busy} fullWidth={!props.onBack && !props.onCancel} data-testid={props.submitTestId}>
      {props.submitLabel}
    </Button>
  );
  const secondary = props.onBack ?? props.onCancel;

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap={props.gap ?? 'lg'}>
        {props.title !== undefined && (
          <Stack gap="xs">
            <ScreenTitle>{props.title}</ScreenTitle>
            <Text c="dimmed">{props.description}</Text>
          </Stack>
        )}
        {props.children?.(busy)}
        {current === null ? (
          <NewPassphraseFields
            passphrase={passphrase}
            confirm={confirm}
            problems={problems}
            onPassphraseChange={(value) => {
              setPassphrase(value);
              setProblems((shown) => ({ ...shown, passphrase: undefined }));
            }}
            onConfirmChange={(value) => {
              setConfirm(value);
              setProblems((shown) => ({ ...shown, confirm: undefined }));
            }}
            disabled={busy}
          />
        ) : (
          <PassphraseInput
            ref={passphraseField}
            label={t('passphrase.label')}
            description={current.description}
            value={passphrase}
            onChange={(event) => {
              setPassphrase(event.currentTarget.value);
              setProblems({});
            }}
            error={problems.passphrase ? t(problems.passphrase) : undefined}
            autoComplete="current-password"
            autoFocus={current.focus === 'autoFocus'}
            data-autofocus={current.focus === 'data-autofocus' || undefined}
            disabled={busy}
            data-testid={current.testId}
          />
        )}
        <FormError error={hostError} />
        {secondary ? (
          <Group justify={props.onBack ? 'space-between' : 'flex-end'}>
            <Button variant="subtle" onClick={secondary} disabled={busy}>
              {t(props.onBack ? 'common.back' : 'common.cancel')}
            </Button>
            {submitButton}
          </Group>
        ) : (
          submitButton
        )}
      </Stack>
    </form>
  );
}
