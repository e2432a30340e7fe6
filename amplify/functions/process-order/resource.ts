import { defineOrderFunction } from '../define-order-function.ts';

export const processOrder = defineOrderFunction('processOrder', import.meta.url);
