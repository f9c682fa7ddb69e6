// Show the recovery phrase again, behind the passphrase (RecoveryPhraseDialog); while nobody has confirmed writing
// it down, the dialog asks for that too.
import { Button, Group } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecoveryPhraseDialog } from '../../components/RecoveryPhraseDialog.tsx';
import { SectionCard } from '../../components/SectionCard.tsx';
import { useNodeStatus } from '../../status/node-status-context.tsx';

export function RecoveryPhraseSetting() {
  const { t } = useTranslation();
  const { status } = useNodeStatus();
  const [open, setOpen] = useState(false);

  return (
    <SectionCard title={t('settings.backup.title')} description={t('settings.backup.description')}>
      <Group>
        <Button variant="default" leftSection={<IconEye size={16} />} onClick={() => setOpen(true)} data-testid="settings-backup">
          {t('settings.backup.show')}
        </Button>
      </Group>
      <RecoveryPhraseDialog opened={open} onClose={() => setOpen(false)} confirm={status?.backupPending === true} />
    </SectionCard>
  );
}
