/**
 * The live region that announces "Add to cart" feedback: always in the page (screen readers
 * announce a region only if it was there before its message), visually hidden, since the message
 * itself is shown beside the button that was pressed (`AddedFeedback`).
 */
import type { ReactNode } from 'react';
import { useToast } from '../lib/toast.ts';

export function Toast() {
  const toast = useToast();
  return (
    <div role="status" aria-live="polite" className="visually-hidden" data-testid="cart-announcement">
      {toast?.text}
    </div>
  );
}

/** The message, beside the button of `productId`, in a line kept for it (nothing moves, nothing is covered). */
export function AddedFeedback({ productId, fallback, full = false }: { productId: string; fallback: ReactNode; full?: boolean }) {
  const toast = useToast();
  if (toast?.source !== productId) return <>{fallback}</>;
  return (
    <span className="added-feedback" data-testid="added-feedback">
      <span aria-hidden="true">✓ </span>
      {full ? toast.text : (toast.short ?? toast.text)}
      {toast.action && (
        <>
          {' · '}
          <a href={toast.action.href}>{toast.action.label}</a>
        </>
      )}
    </span>
  );
}
