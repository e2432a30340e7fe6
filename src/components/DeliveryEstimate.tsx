/** When an order placed now arrives: the window of the carrier's rule (`DELIVERY_RULE`), from today. */
import { Text } from '@aws-amplify/ui-react';
import { deliveryWindow } from '../../amplify/domain/shipping.ts';

const day = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric' });

export function DeliveryEstimate({ now = new Date() }: { now?: Date }) {
  const { earliest, latest } = deliveryWindow(now);
  return (
    <Text as="p" className="delivery-estimate" data-testid="delivery-estimate">
      Estimated delivery: <strong>{day.formatRange(earliest, latest)}</strong> if you order today.
    </Text>
  );
}
