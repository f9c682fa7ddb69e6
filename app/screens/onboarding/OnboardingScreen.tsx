// First run, when the node has no identity yet: welcome, then create or restore.
import { useState } from 'react';
import { CenteredLayout } from '../../layout/CenteredLayout.tsx';
import { useScreenFocus } from '../../layout/screen-focus.tsx';
import { CreateIdentityStep } from './CreateIdentityStep.tsx';
import type { NewRecoveryPhrase } from './new-recovery-phrase.ts';
import { RestoreIdentityStep } from './RestoreIdentityStep.tsx';
import { WelcomeStep } from './WelcomeStep.tsx';

export interface OnboardingScreenProps {
  onCreated: (created: NewRecoveryPhrase) => void;
  onRestored: () => void;
}

export function OnboardingScreen({ onCreated, onRestored }: OnboardingScreenProps) {
  const [step, setStep] = useState<'welcome' | 'create' | 'restore'>('welcome');
  const screenFocus = useScreenFocus();
  const go = (next: typeof step): void => {
    screenFocus?.moved(document.activeElement);
    setStep(next);
  };
  const back = (): void => go('welcome');
  return (
    <CenteredLayout>
      {step === 'welcome' && <WelcomeStep onCreate={() => go('create')} onRestore={() => go('restore')} />}
      {step === 'create' && <CreateIdentityStep onBack={back} onCreated={onCreated} />}
      {step === 'restore' && <RestoreIdentityStep onBack={back} onRestored={onRestored} />}
    </CenteredLayout>
  );
}
