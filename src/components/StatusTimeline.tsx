/** The order's progress as an ordered list; the current step is `aria-current="step"`. */
import { buildTimeline, type StepState } from '../lib/timeline.ts';
import type { Order } from '../../amplify/domain/order.ts';

const STATE_TEXT: Record<StepState, string> = {
  complete: 'done',
  current: 'current step',
  failed: 'failed',
  upcoming: 'not yet',
};

const formatTime = (iso: string) =>
  new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

export function StatusTimeline({ order }: { order: Pick<Order, 'status' | 'orderDate' | 'paymentDate' | 'shipmentDate' | 'deliveryDate'> }) {
  const steps = buildTimeline(order);
  const lastReached = steps.reduce((at, s, i) => (s.state === 'upcoming' ? at : i), 0);
  return (
    <ol className="timeline" aria-label="Order progress">
      {steps.map((step, index) => (
        <li
          key={step.status}
          className={`timeline-step timeline-${step.state}`}
          aria-current={index === lastReached ? 'step' : undefined}
          data-state={step.state}
        >
          <span className="timeline-marker" aria-hidden="true">
            {step.state === 'complete' ? '✓' : step.state === 'failed' ? '✕' : index + 1}
          </span>
          <span className="timeline-label">{step.label}</span>
          <span className="visually-hidden">({STATE_TEXT[step.state]})</span>
          {step.date && (
            <time className="timeline-date" dateTime={step.date}>
              {formatTime(step.date)}
            </time>
          )}
        </li>
      ))}
    </ol>
  );
}
