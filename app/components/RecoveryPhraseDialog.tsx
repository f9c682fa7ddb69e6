// The recovery phrase shown again, behind the passphrase so an unattended window cannot reveal it. While the
// backup is pending (node.status backupPending: nobody has yet confirmed writing it down) it also asks for that
// confirmation, which identity.confirmBackup records at the host. The phrase lives only in this component's
// state and is dropped when the dialog closes (the dialog's content, the passphrase form's state with it, is
// unmounted when it closes).
import { Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../bridge/bridge-context.tsx';
import { FormError } from './FormError.tsx';
import { PassphraseForm } from './PassphraseForm.tsx';
import { RecoveryPhraseGrid } from './RecoveryPhraseGrid.tsx';
import { useConfirmBackup } from './use-confirm-backup.ts';

export interface RecoveryPhraseDialogProps {
  opened: boolean;
  onClose: () => void;
  /** Ask the user to confirm they wrote the phrase down (the backup is pending). */
  confirm: boolean;
}

export function RecoveryPhraseDialog({ opened, onClose, confirm }: RecoveryPhraseDialogProps) {
  const { t } = useTranslation();
  const [phrase, setPhrase] = useState<string | null>(null);

  function close(): void {
    setPhrase(null);
    onClose();
  }

  return (
    <Modal opened={opened} onClose={close} title={t('settings.backup.title')} size={phrase ? 'xl' : 'md'} centered>
      {phrase ? <RevealedPhrase phrase={phrase} confirm={confirm} onDone={close} /> : <RevealForm onCancel={close} onRevealed={setPhrase} />}
    </Modal>
  );
}

function RevealForm({ onCancel, onRevealed }: { onCancel: () => void; onRevealed: (phrase: string) => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  return (
    <PassphraseForm
      passphrase={{ description: t('settings.backup.passphraseDescription'), testId: 'backup-passphrase', focus: 'data-autofocus' }}
      gap="md"
      submitLabel={t('settings.backup.reveal')}
      submitTestId="backup-submit"
      onCancel={onCancel}
      onSubmit={async (passphrase) => onRevealed((await bridge.call('identity.backup', { passphrase })).phrase)}
      afterSuccess="clear"
    />
  );
}

function RevealedPhrase({ phrase, confirm, onDone }: { phrase: string; confirm: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const [written, setWritten] = useState(false);
  const { confirm: confirmWritten, busy, hostError } = useConfirmBackup(onDone);

  return (
    <Stack gap="md">
      <Text size="sm">{t('backup.warning')}</Text>
      <RecoveryPhraseGrid phrase={phrase} />
      {confirm && (
        <Checkbox label={t('backup.confirm')} checked={written} onChange={(event) => setWritten(event.currentTarget.checked)} data-testid="backup-written" />
      )}
      <FormError error={hostError} />
      <Group justify="flex-end">
        {confirm ? (
          <>
            <Button variant="subtle" onClick={onDone} disabled={busy}>
              {t('settings.backup.later')}
            </Button>
            <Button onClick={() => void confirmWritten()} disabled={!written} loading={busy} data-testid="backup-confirm-written">
              {t('settings.backup.confirmWritten')}
            </Button>
          </>
        ) : (
          <Button onClick={onDone} data-testid="backup-done">
            {t('settings.backup.done')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
