// Asks the host again just after each given moment (a voting period ending, a grace period ending): the
// host decides what a deadline changes, and nothing else would tell the UI that a deadline went by.
import { useEffect } from 'react';

// setTimeout cannot wait longer than this (about 24.8 days); a later moment is picked up on a later visit.
export const longestTimeoutMs = 2 ** 31 - 1;
/** How long after a deadline to look again (the host's clock and this one differ a little). */
export const afterDeadlineMs = 750;

export function useRefreshAt(moments: readonly number[], refresh: () => unknown): void {
  const key = [...new Set(moments)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    const now = Date.now();
    const timers = key
      .split(',')
      .filter((entry) => entry.length > 0)
      .map(Number)
      .filter((moment) => moment > now && moment - now < longestTimeoutMs)
      .map((moment) => setTimeout(() => void refresh(), moment - now + afterDeadlineMs));
    return () => timers.forEach(clearTimeout);
  }, [key, refresh]);
}
