import { useEffect, useState } from 'preact/hooks';

/** The current time, refreshed every `everyMs`, so "3 min ago" keeps counting. */
export function useNow(everyMs = 10_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
