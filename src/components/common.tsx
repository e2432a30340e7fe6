/** Small shared pieces: the page heading that takes focus, and the loading, error and empty states. */
import { Alert, Button, Flex, Heading, Loader, Text } from '@aws-amplify/ui-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { STORE_NAME } from '../../amplify/domain/catalog.ts';
import type { StoreError } from '../lib/api.ts';

/** Set by the first client-side navigation: the initial page load keeps the browser's own focus. */
let navigated = false;
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    navigated = true;
  });
}

/**
 * The page's `h1`. After a client-side navigation it takes focus, so screen readers announce the
 * new page, without scrolling (the router puts a page back where it was left, `restoreScroll`).
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${STORE_NAME}`;
    if (navigated) ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <Heading level={1} ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </Heading>
  );
}

export function LoadingState({ label }: { label: string }) {
  return (
    <Flex role="status" alignItems="center" gap="small" padding="large" className="loading-state">
      <Loader size="large" aria-hidden="true" />
      <Text>{label}</Text>
    </Flex>
  );
}

/** The API's `details` (`{ path, message }` per field), as a list; nothing when there are none. */
export function ErrorDetails({ error }: { error: StoreError }) {
  if (error.details.length === 0) return null;
  return (
    <ul className="error-details">
      {error.details.map((d) => (
        <li key={`${d.path}:${d.message}`}>
          <code>{d.path}</code>: {d.message}
        </li>
      ))}
    </ul>
  );
}

export function ErrorState({ error, title, onRetry }: { error: StoreError; title: string; onRetry?: () => void }) {
  return (
    <Alert variation="error" heading={title} role="alert" className="error-state">
      <Text as="span">{error.message}</Text>
      <ErrorDetails error={error} />
      {onRetry && (
        <Button size="small" onClick={onRetry} marginTop="small">
          Try again
        </Button>
      )}
    </Alert>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <Heading level={2}>{title}</Heading>
      {children}
    </div>
  );
}

/** The not-found page's content: an address that leads nowhere (or to a staff page, for a customer), and a way back. */
export function PageNotFound({ back }: { back: ReactNode }) {
  return (
    <>
      <PageHeading title="Page not found">Page not found</PageHeading>
      <EmptyState title="There is nothing at this address">
        <Text>{back}</Text>
      </EmptyState>
    </>
  );
}
