import { defineOrderFunction } from '../define-order-function.ts';

export const orderStarter = defineOrderFunction('orderStarter', import.meta.url);
