/**
 * The shop's own facts and policies, in one place a shop owner edits: its name, how to reach it,
 * and the rules its help, shipping, returns, privacy and terms pages state. The storefront's
 * pages and footer and the confirmation e-mail read them from here (shipping costs and delivery
 * times are `shipping.ts`'s, the rules the server and the carrier apply).
 */
export const SHOP = {
  name: 'Desk & Gadget Co.',
  legalName: 'Desk & Gadget Co. LLC',
  address: '100 Market Street, Suite 300, San Francisco, CA 94105, USA',
  supportEmail: 'support@deskgadget.example',
  supportPhone: '+1 415 555 0134',
  supportHours: 'Monday to Friday, 9:00 to 17:00 Pacific time',
  /** How soon support answers an e-mail, in business days. */
  replyWithinBusinessDays: 1,
  /** Days after delivery in which an unused item may be sent back for a full refund. */
  returnWindowDays: 30,
  /** Days after a return arrives (or an order is cancelled) before the refund reaches the card. */
  refundWithinDays: 5,
  /** The date the privacy notice and terms last changed. */
  policiesUpdated: '2026-11-01',
} as const;

/** The policy pages, in the footer's order: each one's address segment and title. */
export const POLICY_PAGES = [
  { page: 'help', title: 'Help' },
  { page: 'contact', title: 'Contact us' },
  { page: 'shipping', title: 'Shipping' },
  { page: 'returns', title: 'Returns and refunds' },
  { page: 'privacy', title: 'Privacy' },
  { page: 'terms', title: 'Terms of sale' },
] as const;
export type PolicyPageName = (typeof POLICY_PAGES)[number]['page'];
