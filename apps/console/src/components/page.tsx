import type { ComponentChildren, JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { setPageTitle } from '../document-title';

/**
 * A page: its heading (the target of "skip to content" and of focus after navigation) and the document title.
 * `wall`: a page for a command room's wall display as much as a desk, given the whole width of the screen.
 */
export function Page(props: { title: string; subtitle?: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; wide?: boolean; wall?: boolean }): JSX.Element {
  useEffect(() => {
    setPageTitle(props.title);
  }, [props.title]);
  return (
    <section class={`page${props.wide ? ' page-wide' : ''}${props.wall ? ' page-wall' : ''}`} aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>
            {props.title}
          </h1>
          {props.subtitle && <p class="page-subtitle">{props.subtitle}</p>}
        </div>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}
