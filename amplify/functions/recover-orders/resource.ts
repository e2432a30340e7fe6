import { defineOrderFunction } from '../define-order-function.ts';

export const recoverOrders = defineOrderFunction('recoverOrders', import.meta.url);
