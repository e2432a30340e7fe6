// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { isDownloadError, PageBoundary } from './PageBoundary.tsx';

function Fails({ error }: { error: Error }): never {
  throw error;
}

describe('PageBoundary', () => {
  it('tells a page that could not be downloaded from another error', () => {
    expect(isDownloadError(new TypeError('Failed to fetch dynamically imported module: http://x/assets/OrderPage-1.js'))).toBe(true);
    expect(isDownloadError(new TypeError('Importing a module script failed.'))).toBe(true);
    expect(isDownloadError(new TypeError("Cannot read properties of undefined (reading 'items')"))).toBe(false);
  });

  it('shows what happened and a Reload button instead of a blank page', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined); // React reports the caught error
    render(
      <PageBoundary>
        <Fails error={new TypeError('Failed to fetch dynamically imported module: /assets/CartPage-x.js')} />
      </PageBoundary>,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('This page could not be loaded');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
    vi.restoreAllMocks();
  });
});
