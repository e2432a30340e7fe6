/**
 * The feedback of "Add to cart": one message at a time, shown beside the button that was pressed
 * (`AddedFeedback`, in space kept for it, so it hides nothing) and announced by the live region
 * `Toast` keeps in the page. It goes after a few seconds and whenever the shopper changes page.
 */
import { useSyncExternalStore } from 'react';

export interface ToastMessage {
  id: number;
  /** The whole sentence, announced to screen readers. */
  text: string;
  /** The few words shown beside the button (`text` when not given). */
  short?: string;
  /** The product whose button was pressed: its card or page shows the message. */
  source?: string;
  /** A link offered with the message, e.g. to the cart. */
  action?: { label: string; href: string };
  /** The page the message is about (e.g. the cart after "Buy it again"): going there keeps it. */
  page?: string;
}

const HIDE_AFTER_MS = 6000;
let current: ToastMessage | null = null;
let nextId = 1;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function showToast(message: Omit<ToastMessage, 'id'>): void {
  current = { id: nextId++, ...message };
  if (timer) clearTimeout(timer);
  timer = setTimeout(hideToast, HIDE_AFTER_MS);
  emit();
}

export function hideToast(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (current === null) return;
  current = null;
  emit();
}

// Another page: the message was about the one left (unless it is about the new one).
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    if (current?.page !== window.location.hash) hideToast();
  });
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useToast = (): ToastMessage | null => useSyncExternalStore(subscribe, () => current, () => null);
