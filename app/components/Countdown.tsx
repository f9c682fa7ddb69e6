// Time left until a moment, ticking every second; only this small component re-renders as it ticks.
import { Text, type TextProps } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCountdown } from '../time/duration-text.ts';
import { useNow } from '../time/use-now.ts';

export interface CountdownProps extends TextProps {
  until: number;
  /** What to say while time is left, given the time left in words. */
  running: (left: string) => ReactNode;
  /** What to say once the moment has passed. */
  elapsed: ReactNode;
  testId?: string;
}

export function Countdown({ until, running, elapsed, testId, ...textProps }: CountdownProps) {
  const { t } = useTranslation();
  const now = useNow();
  const left = until - now;
  return (
    <Text component="span" {...textProps} data-testid={testId} data-elapsed={left <= 0 ? 'true' : 'false'}>
      {left > 0 ? running(formatCountdown(t, left)) : elapsed}
    </Text>
  );
}
