import type { JSX } from 'preact';

/** The hub's objection to one field (`condition.clear must be at or below condition.value (20)`), shown under it. */
export function FieldError(props: { fields: Readonly<Record<string, string>>; path: string }): JSX.Element | null {
  const message = props.fields[props.path];
  if (!message) return null;
  return (
    <p class="field-error" id={errorId(props.path)} data-field-error={props.path}>
      {message}
    </p>
  );
}

export function errorId(path: string): string {
  return `error-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

/** aria attributes that tie an input to its error. */
export function invalidProps(fields: Readonly<Record<string, string>>, path: string): { 'aria-invalid'?: 'true'; 'aria-describedby'?: string } {
  return fields[path] ? { 'aria-invalid': 'true', 'aria-describedby': errorId(path) } : {};
}
