/** The order limits the cart enforces: the shared ones, so the cart never builds an order the server refuses. */
export { ORDER_LIMITS } from '../../amplify/domain/order-rules.ts';
