import type { JSX, RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import { type MessageId, t } from '../i18n/i18n';
import { navigate } from '../router';

/** `g` then a letter goes to a page (as in many web consoles); `/` jumps to the page's search field; `?` lists keys. */
export const GO_KEYS: Readonly<Record<string, { href: string; label: MessageId }>> = {
  o: { href: '/overview', label: 'keys.go.overview' },
  a: { href: '/alerts', label: 'keys.go.alerts' },
  f: { href: '/fleet', label: 'keys.go.fleet' },
  p: { href: '/map', label: 'keys.go.map' },
  d: { href: '/dead-letters', label: 'keys.go.refused' },
  r: { href: '/rules', label: 'keys.go.rules' },
  l: { href: '/silences', label: 'keys.go.silences' },
  s: { href: '/system', label: 'keys.go.system' },
  m: { href: '/admin', label: 'keys.go.admin' },
};

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useGlobalShortcuts(showHelp: () => void): void {
  useEffect(() => {
    let pendingGo = 0;
    const onKey = (event: KeyboardEvent): void => {
      // Escape leaves a search field, so the page keys work again without reaching for the mouse.
      if (event.key === 'Escape' && event.target instanceof HTMLInputElement && event.target.matches('[data-search]')) {
        event.target.blur();
        return;
      }
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      if (Date.now() - pendingGo < 1500 && GO_KEYS[event.key]) {
        pendingGo = 0;
        event.preventDefault();
        navigate(GO_KEYS[event.key].href);
        return;
      }
      pendingGo = 0;
      if (event.key === 'g') pendingGo = Date.now();
      else if (event.key === '?') {
        event.preventDefault();
        showHelp();
      } else if (event.key === '/') {
        const search = document.querySelector<HTMLInputElement>('main [data-search]');
        if (search) {
          event.preventDefault();
          search.focus();
          search.select();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [showHelp]);
}

export function KeyboardHelp(props: { dialog: RefObject<HTMLDialogElement | null> }): JSX.Element {
  return (
    <dialog ref={props.dialog} class="dialog" aria-labelledby="keys-title">
      <h2 id="keys-title">{t('keys.title')}</h2>
      <table class="table keys">
        <tbody>
          {Object.entries(GO_KEYS).map(([key, target]) => (
            <tr key={key}>
              <th scope="row">
                <kbd>g</kbd> <kbd>{key}</kbd>
              </th>
              <td>{t(target.label)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">
              <kbd>/</kbd>
            </th>
            <td>{t('keys.search')}</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>j</kbd> <kbd>k</kbd>
            </th>
            <td>{t('keys.nextPrevious')}</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>Enter</kbd>
            </th>
            <td>{t('keys.open')}</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>a</kbd> <kbd>r</kbd> <kbd>c</kbd>
            </th>
            <td>{t('keys.actions')}</td>
          </tr>
          <tr>
            <th scope="row">
              <kbd>Esc</kbd>
            </th>
            <td>{t('keys.close')}</td>
          </tr>
        </tbody>
      </table>
      <form method="dialog">
        <button class="button" type="submit" autofocus>
          {t('keys.closeButton')}
        </button>
      </form>
    </dialog>
  );
}
