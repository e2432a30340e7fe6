/**
 * The shop's help, contact, shipping, returns, privacy and terms pages. Every fact (name, address,
 * support, windows and days) comes from `SHOP` (amplify/domain/shop.ts) and the shipping rule and
 * delivery times from `shipping.ts`, so a shop edits them in one place.
 */
import { Heading, Text } from '@aws-amplify/ui-react';
import type { ReactNode } from 'react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import { CARRIER, DELIVERY_RULE, SHIPPING_RULE } from '../../amplify/domain/shipping.ts';
import { POLICY_PAGES, SHOP, type PolicyPageName } from '../../amplify/domain/shop.ts';
import { PageHeading } from '../components/common.tsx';
import { href } from '../lib/router.ts';

const money = (cents: number) => formatPrice(cents / 100);
const updated = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(SHOP.policiesUpdated));

function Mail() {
  return <a href={`mailto:${SHOP.supportEmail}`}>{SHOP.supportEmail}</a>;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="policy-section">
      <Heading level={2}>{title}</Heading>
      {children}
    </section>
  );
}

const CONTENT: Record<PolicyPageName, () => ReactNode> = {
  help: () => (
    <>
      <Section title="Your order">
        <Text as="p">
          Every order has a page under <a href={href.orders()}>My orders</a> (sign in with the account you ordered with): its status,
          tracking number once it ships, and the estimated delivery date. You can cancel an order there until it ships.
        </Text>
        <Text as="p">
          Ordered before? Open the order and choose <strong>Buy it again</strong> to put the same items in your cart at today's prices.
        </Text>
      </Section>
      <Section title="Common questions">
        <ul>
          <li>
            How long does delivery take? See <a href={href.policy('shipping')}>Shipping</a>.
          </li>
          <li>
            Can I send something back? See <a href={href.policy('returns')}>Returns and refunds</a>.
          </li>
          <li>
            My payment was declined: you were not charged, and your cart still holds the items. Choose "Pay again" on the order's
            page, with the same or another payment method: it stays the same order.
          </li>
        </ul>
      </Section>
      <Section title="Still stuck?">
        <Text as="p">
          <a href={href.policy('contact')}>Contact us</a>: we answer within {SHOP.replyWithinBusinessDays} business day.
        </Text>
      </Section>
    </>
  ),
  contact: () => (
    <>
      <Text as="p">Tell us your order number (on the order's page and in its e-mail, like K7QM-2X9D-PB4H) and we will take it from there.</Text>
      <dl className="details">
        <div className="detail">
          <dt>E-mail</dt>
          <dd>
            <Mail /> (answered within {SHOP.replyWithinBusinessDays} business day)
          </dd>
        </div>
        <div className="detail">
          <dt>Phone</dt>
          <dd>
            <a href={`tel:${SHOP.supportPhone.replace(/\s/g, '')}`}>{SHOP.supportPhone}</a>, {SHOP.supportHours}
          </dd>
        </div>
        <div className="detail">
          <dt>Post</dt>
          <dd>
            <address>
              {SHOP.legalName}, {SHOP.address}
            </address>
          </dd>
        </div>
      </dl>
    </>
  ),
  shipping: () => (
    <>
      <Section title="Cost">
        <Text as="p">
          Free on orders from {money(SHIPPING_RULE.freeFromCents)}; {money(SHIPPING_RULE.flatRateCents)} below that. The checkout shows the
          shipping before you pay.
        </Text>
      </Section>
      <Section title="Delivery times">
        <Text as="p">
          We hand your order to {CARRIER.name} as soon as the payment is confirmed. It arrives {DELIVERY_RULE.minDays} to {DELIVERY_RULE.maxDays}{' '}
          days later; the cart and the checkout show the dates, and the order's page the carrier's estimate and a link to follow the parcel
          once it ships.
        </Text>
      </Section>
      <Section title="A shipment that fails">
        <Text as="p">
          If the carrier cannot take your order, we refund the payment in full and e-mail you; the refund reaches your card within{' '}
          {SHOP.refundWithinDays} days.
        </Text>
      </Section>
    </>
  ),
  returns: () => (
    <>
      <Section title="Cancelling">
        <Text as="p">
          Until your order ships, cancel it from its page: nothing is sent, and a payment already taken is refunded within {SHOP.refundWithinDays}{' '}
          days.
        </Text>
      </Section>
      <Section title="Returning an item">
        <Text as="p">
          Send back any unused item within {SHOP.returnWindowDays} days of delivery for a full refund of its price. E-mail <Mail /> with your
          order number and we send you a prepaid label.
        </Text>
      </Section>
      <Section title="Refunds">
        <Text as="p">
          Refunds go to the card or account you paid with, within {SHOP.refundWithinDays} days of the return reaching us (or of the
          cancellation). Shipping is refunded when the whole order comes back or the fault was ours.
        </Text>
      </Section>
    </>
  ),
  privacy: () => (
    <>
      <Text as="p">
        {SHOP.legalName} ({SHOP.address}) keeps only what an order needs. Last updated {updated}.
      </Text>
      <Section title="What we keep">
        <ul>
          <li>Your account: e-mail address, name and password (held by our sign-in provider; we never see the password).</li>
          <li>Your orders: items, prices, delivery address, payment method and status. Card details stay with the payment provider.</li>
          <li>The details of your last checkout, on your account, so the next one is filled in.</li>
          <li>In this browser: your cart, until you empty it.</li>
        </ul>
      </Section>
      <Section title="What we do with it">
        <Text as="p">
          Deliver your orders, e-mail you about them, and answer you when you write. We share the delivery address with the carrier and
          nothing with anyone else. No advertising trackers.
        </Text>
      </Section>
      <Section title="Your rights">
        <Text as="p">
          Ask for a copy of your data, a correction or its deletion at <Mail />.
        </Text>
      </Section>
    </>
  ),
  terms: () => (
    <>
      <Text as="p">
        Sales are made by {SHOP.legalName}, {SHOP.address}. Last updated {updated}.
      </Text>
      <Section title="Prices and payment">
        <Text as="p">
          Prices are in US dollars and include everything you pay: no sales tax is added. The payment is taken when you place the order; if
          it is declined, no order is made.
        </Text>
      </Section>
      <Section title="Delivery, cancellation and returns">
        <Text as="p">
          See <a href={href.policy('shipping')}>Shipping</a> and <a href={href.policy('returns')}>Returns and refunds</a>.
        </Text>
      </Section>
      <Section title="Questions">
        <Text as="p">
          <a href={href.policy('contact')}>Contact us</a>.
        </Text>
      </Section>
    </>
  ),
};

export default function PolicyPage({ page }: { page: PolicyPageName }) {
  const { title } = POLICY_PAGES.find((p) => p.page === page)!;
  return (
    <article className="policy-page">
      <PageHeading title={title}>{title}</PageHeading>
      {CONTENT[page]()}
    </article>
  );
}
