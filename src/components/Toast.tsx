/**
 * The toast: fixed to the viewport (no layout shift, visible however far the shopper scrolled),
 * announced through a polite live region that is always in the page.
 */
import { hideToast, useToast } from '../lib/toast.ts';

export function Toast() {
  const toast = useToast();
  return (
    <div className="toast-region">
      <div role="status" aria-live="polite" className="toast" data-open={toast ? 'true' : 'false'}>
        {toast && (
          <>
            <span className="toast-text">{toast.text}</span>
            {toast.action && (
              <a href={toast.action.href} className="toast-action" onClick={hideToast}>
                {toast.action.label}
              </a>
            )}
            <button type="button" className="toast-close" onClick={hideToast} aria-label="Dismiss message">
              ×
            </button>
          </>
        )}
      </div>
    </div>
  );
}
