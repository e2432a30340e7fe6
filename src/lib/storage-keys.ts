/** What the storefront keeps in the browser, by key (cleared together at sign-out: src/lib/app-state.ts). */
export const PENDING_ORDER_KEY = 'storefront.pendingOrder.v1';
export const CHECKOUT_FORM_KEY = 'storefront.checkout.v1';
export const CHECKOUT_KEY_KEY = 'storefront.checkoutKey.v1';
/** Guest orders' tokens, per order (src/lib/order-access.ts). */
export const ORDER_TOKENS_KEY = 'storefront.orderTokens.v1';
