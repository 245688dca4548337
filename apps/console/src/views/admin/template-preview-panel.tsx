import type { JSX } from 'preact';
import type { TemplatePreview } from '@hub/api-types';
import { t } from '../../i18n/i18n';

/**
 * What the draft renders for the sample alert: the email's subject, text and HTML, and the robots' markdown as text.
 * The HTML is shown in a sandboxed frame (no scripts, no same-origin), as a mail client would show it, never in the
 * console's own page.
 */
export function TemplatePreviewPanel(props: { preview: TemplatePreview | undefined; pending: boolean }): JSX.Element {
  const { preview } = props;
  return (
    <section class="template-preview" aria-label={t('notify.templates.preview')} aria-busy={props.pending}>
      <h3 class="card-subtitle">
        {t('notify.templates.preview')} {props.pending && <span class="muted small">{t('notify.templates.updating')}</span>}
      </h3>
      {!preview ? (
        <p class="muted">{t('notify.templates.previewEmpty')}</p>
      ) : (
        <>
          <p class="field-label">{t('notify.templates.emailSubject')}</p>
          <p class="template-subject" data-preview="subject">
            {preview.subject}
          </p>
          <p class="field-label">{t('notify.templates.emailText')}</p>
          <pre class="template-output" data-preview="text">
            {preview.text}
          </pre>
          <p class="field-label">{t('notify.templates.emailHtml')}</p>
          <iframe class="template-html" title={t('notify.templates.emailHtmlPreview')} sandbox="" srcdoc={preview.html} data-preview="html" />
          <p class="field-label">{t('notify.templates.robot')}</p>
          <pre class="template-output" data-preview="markdown">
            {`${preview.markdownTitle}\n\n${preview.markdown}`}
          </pre>
        </>
      )}
    </section>
  );
}
