// Choose a passphrase; the host makes the key and returns its recovery phrase once.
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { PassphraseForm } from '../../components/PassphraseForm.tsx';
import type { NewRecoveryPhrase } from './new-recovery-phrase.ts';

export function CreateIdentityStep({ onBack, onCreated }: { onBack: () => void; onCreated: (created: NewRecoveryPhrase) => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  return (
    <PassphraseForm
      passphrase="new"
      title={t('create.title')}
      description={t('create.description')}
      submitLabel={t('create.submit')}
      submitTestId="create-submit"
      onBack={onBack}
      onSubmit={async (passphrase) => onCreated(await bridge.call('identity.create', { passphrase }))}
      afterSuccess="stay-busy"
    />
  );
}
