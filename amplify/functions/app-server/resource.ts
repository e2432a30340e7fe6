import { defineOrderFunction } from '../define-order-function.ts';

export const appServer = defineOrderFunction('appServer', import.meta.url);
