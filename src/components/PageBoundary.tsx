/**
 * Catches what a page throws while loading or rendering, so one page can never blank the app: a
 * page whose code could not be downloaded (a dropped connection, or a deployment since this tab
 * opened whose files it cannot find) says so and offers Reload, which loads the current site again
 * and comes back to the same address. `key` it by the address: another page starts afresh.
 * (Deployments keep older files, `prune: false` in amplify/cloud/storefront-buckets.ts, and never cache
 * index.html, so a reload always finds a consistent set.)
 */
import { Alert, Button, Text } from '@aws-amplify/ui-react';
import { Component, type ReactNode } from 'react';
import { PageHeading } from './common.tsx';

/** A dynamic import that failed: the browser's message for a module script it could not fetch. */
export function isDownloadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|module script|Importing a module script failed|Failed to fetch|error loading dynamically/i.test(message);
}

export class PageBoundary extends Component<{ children: ReactNode }, { error?: unknown }> {
  override state: { error?: unknown } = {};

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    const download = isDownloadError(this.state.error);
    return (
      <>
        <PageHeading title={download ? 'Page not loaded' : 'Something went wrong'}>
          {download ? 'This page could not be loaded' : 'Something went wrong on this page'}
        </PageHeading>
        <Alert variation="error" role="alert" className="page-error">
          <Text as="span" display="block">
            {download
              ? 'Part of the shop could not be downloaded: the connection may have dropped, or the shop was updated since you opened it.'
              : 'The page stopped with an error.'}{' '}
            Your cart is kept. Reload to try again.
          </Text>
          <Button variation="primary" size="small" marginTop="small" onClick={() => window.location.reload()}>
            Reload
          </Button>
        </Alert>
      </>
    );
  }
}
