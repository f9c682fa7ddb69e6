// Bring back an identity from its recovery phrase, protected on this device by a new passphrase.
import { Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../bridge/bridge-context.tsx';
import { PassphraseForm } from '../../components/PassphraseForm.tsx';

export function RestoreIdentityStep({ onBack, onRestored }: { onBack: () => void; onRestored: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [phrase, setPhrase] = useState('');
  const [phraseMissing, setPhraseMissing] = useState(false);

  function checkPhrase(): boolean {
    const missing = phrase.trim().length === 0;
    setPhraseMissing(missing);
    return !missing;
  }

  return (
    <PassphraseForm
      passphrase="new"
      title={t('restore.title')}
      description={t('restore.description')}
      checkFields={checkPhrase}
      submitLabel={t('restore.submit')}
      submitTestId="restore-submit"
      onBack={onBack}
      onSubmit={async (passphrase) => {
        await bridge.call('identity.restore', { phrase: phrase.trim(), passphrase });
        onRestored();
      }}
      afterSuccess="stay-busy"
    >
      {(busy) => (
        <Textarea
          label={t('restore.phraseLabel')}
          description={t('restore.phraseDescription')}
          value={phrase}
          onChange={(event) => {
            setPhrase(event.currentTarget.value);
            setPhraseMissing(false);
          }}
          error={phraseMissing ? t('restore.phraseRequired') : undefined}
          autosize
          minRows={3}
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          withAsterisk
          disabled={busy}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          data-testid="restore-phrase"
        />
      )}
    </PassphraseForm>
  );
}
