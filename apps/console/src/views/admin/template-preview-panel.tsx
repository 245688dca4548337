import type { JSX } from 'preact';
import type { TemplatePreview } from '@hub/api-types';

/**
 * What the draft renders for the sample alert: the email's subject, text and HTML, and the robots' markdown as text.
 * The HTML is shown in a sandboxed frame (no scripts, no same-origin), as a mail client would show it, never in the
 * console's own page.
 */
export function TemplatePreviewPanel(props: { preview: TemplatePreview | undefined; pending: boolean }): JSX.Element {
  const { preview } = props;
  return (
    <section class="template-preview" aria-label="Preview" aria-busy={props.pending}>
      <h3 class="card-subtitle">Preview {props.pending && <span class="muted small">updating…</span>}</h3>
      {!preview ? (
        <p class="muted">The sample alert, rendered, appears here.</p>
      ) : (
        <>
          <p class="field-label">Email subject</p>
          <p class="template-subject" data-preview="subject">
            {preview.subject}
          </p>
          <p class="field-label">Email text</p>
          <pre class="template-output" data-preview="text">
            {preview.text}
          </pre>
          <p class="field-label">Email HTML</p>
          <iframe class="template-html" title="Email HTML preview" sandbox="" srcdoc={preview.html} data-preview="html" />
          <p class="field-label">Robot title and markdown</p>
          <pre class="template-output" data-preview="markdown">
            {`${preview.markdownTitle}\n\n${preview.markdown}`}
          </pre>
        </>
      )}
    </section>
  );
}
