import { useState } from 'preact/hooks';

/**
 * Who is acting. The API has no sign-in yet and records the name the client sends with each action; the console
 * asks once per browser and remembers it, so the history says who acknowledged what.
 */
const KEY = 'county-sensing-hub.operator';

function read(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return ''; // storage disabled (private mode, policy): the operator types the name each time
  }
}

export function useOperatorName(): [string, (name: string) => void] {
  const [name, setName] = useState(read);
  const set = (next: string): void => {
    setName(next);
    try {
      localStorage.setItem(KEY, next.trim());
    } catch {
      // storage disabled: the name lasts for this page only
    }
  };
  return [name, set];
}
