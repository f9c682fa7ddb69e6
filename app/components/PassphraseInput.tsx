// A passphrase field whose show/hide button is named in the user's language, for what it will do, and is
// reachable with Tab (Mantine's is named in English and left out of the Tab order).
import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function PassphraseInput(props: Omit<PasswordInputProps, 'visible' | 'onVisibilityChange' | 'visibilityToggleButtonProps' | 'visibilityToggleFocusable'>) {
  const { t } = useTranslation();
  const [visible, setVisible] = useState(false);
  return (
    <PasswordInput
      {...props}
      visible={visible}
      onVisibilityChange={setVisible}
      visibilityToggleFocusable
      // The name says what a press does; Mantine's aria-pressed would say it a second time, the other way round.
      visibilityToggleButtonProps={{ 'aria-label': visible ? t('passphrase.hide') : t('passphrase.show'), 'aria-pressed': undefined }}
    />
  );
}
