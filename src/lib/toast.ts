/** One short message at a time, shown where the shopper is looking (see `Toast`). */
import { useSyncExternalStore } from 'react';

export interface ToastMessage {
  id: number;
  text: string;
  /** A link offered with the message, e.g. to the cart. */
  action?: { label: string; href: string };
}

const HIDE_AFTER_MS = 5000;
let current: ToastMessage | null = null;
let nextId = 1;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function showToast(text: string, action?: ToastMessage['action']): void {
  current = { id: nextId++, text, ...(action ? { action } : {}) };
  if (timer) clearTimeout(timer);
  timer = setTimeout(hideToast, HIDE_AFTER_MS);
  emit();
}

export function hideToast(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  current = null;
  emit();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useToast = (): ToastMessage | null => useSyncExternalStore(subscribe, () => current, () => null);
