/**
 * Staff: the shop's figures for a range of days (`GET /stats`, issue 27): totals, a chart of
 * orders and revenue per day, the best-selling products, and the days as a table with a CSV
 * download. The range lives in the address (`#/staff/dashboard?from=...&to=...`), 30 days to
 * today (UTC) by default. The chart's module (and uPlot) loads only here, after the figures.
 */
import { Button, Flex, Text, TextField } from '@aws-amplify/ui-react';
import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { formatPrice } from '../../amplify/domain/catalog.ts';
import type { StatsResponse } from '../../amplify/domain/stats-summary.ts';
import { StaffGate } from '../auth/SignInGate.tsx';
import { ErrorState, LoadingState, PageHeading } from '../components/common.tsx';
import { fetchStats, toStoreError, type StoreError } from '../lib/api.ts';
import { href, navigate } from '../lib/router.ts';
import { statsCsv } from './stats-csv.ts';

const StatsChart = lazy(() => import('../components/StatsChart.tsx'));

const DEFAULT_DAYS = 30;
const today = () => new Date().toISOString().slice(0, 10);
const daysBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

export default function DashboardPage({ from, to }: { from?: string; to?: string }) {
  return (
    <StaffGate title="Dashboard" reason="Sign in with a staff account to see the shop's figures." back={<a href={href.orders()}>Your orders</a>}>
      {() => <Dashboard range={{ to: to ?? today(), from: from ?? daysBefore(to ?? today(), DEFAULT_DAYS - 1) }} />}
    </StaffGate>
  );
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
function duration(seconds: number): string {
  if (seconds === 0) return '—';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400 * 2) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** A range of days, from and to inclusive (`YYYY-MM-DD`, UTC). */
interface DayRange {
  from: string;
  to: string;
}

function Dashboard({ range }: { range: DayRange }) {
  const [draft, setDraft] = useState(range);
  const [stats, setStats] = useState<StatsResponse>();
  const [error, setError] = useState<StoreError>();
  const [attempt, setAttempt] = useState(0);
  useEffect(() => setDraft(range), [range.from, range.to]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const abort = new AbortController();
    setStats(undefined);
    setError(undefined);
    fetchStats(range, { signal: abort.signal }).then(setStats, (e: unknown) => abort.signal.aborted || setError(toStoreError(e)));
    return () => abort.abort();
  }, [range.from, range.to, attempt]); // eslint-disable-line react-hooks/exhaustive-deps

  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(href.dashboard(draft));
  };

  return (
    <>
      <PageHeading title="Dashboard">Dashboard</PageHeading>
      <form onSubmit={apply} className="staff-filters" aria-label="Choose the days">
        <Flex wrap="wrap" alignItems="flex-end" gap="small">
          <TextField label="From" name="from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          <TextField label="To" name="to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          <Button type="submit" variation="primary">
            Show figures
          </Button>
        </Flex>
      </form>
      {!stats && !error && <LoadingState label="Loading the figures…" />}
      {error && <ErrorState title="We could not load the figures" error={error} onRetry={() => setAttempt((n) => n + 1)} />}
      {stats && (
        <>
          <StatsTotals stats={stats} range={range} />
          <section aria-labelledby="chart-heading">
            <h2 id="chart-heading">Orders and revenue per day</h2>
            <Suspense fallback={<LoadingState label="Loading the chart…" />}>
              <StatsChart days={stats.days} />
            </Suspense>
          </section>
          <TopProducts products={stats.topProducts} />
          <StatsPerDay days={stats.days} range={range} />
        </>
      )}
    </>
  );
}

/** The range's totals: orders, revenue, average order, decline and cancel rates, out-of-stock orders, and how long fulfilment took. */
function StatsTotals({ stats, range }: { stats: StatsResponse; range: DayRange }) {
  return (
    <section aria-labelledby="totals-heading" className="stats-totals">
      <h2 id="totals-heading">
        {range.from} to {range.to}
      </h2>
      <dl className="stats-figures" data-testid="stats-totals">
        <div><dt>Orders</dt><dd data-testid="total-orders">{stats.totals.orders}</dd></div>
        <div><dt>Revenue</dt><dd data-testid="total-revenue">{formatPrice(stats.totals.revenue)}</dd></div>
        <div><dt>Average order</dt><dd>{formatPrice(stats.totals.averageOrderValue)}</dd></div>
        <div><dt>Payments declined</dt><dd>{percent(stats.totals.declineRate)}</dd></div>
        <div><dt>Orders cancelled</dt><dd>{percent(stats.totals.cancelRate)}</dd></div>
        <div><dt>Out of stock</dt><dd data-testid="total-out-of-stock">{stats.totals.outOfStock}</dd></div>
        <div><dt>Paid to shipped</dt><dd>{duration(stats.fulfilment.paidToShippedSeconds)}</dd></div>
        <div><dt>Shipped to delivered</dt><dd>{duration(stats.fulfilment.shippedToDeliveredSeconds)}</dd></div>
      </dl>
    </section>
  );
}

/** The best-selling products of the range, by revenue. */
function TopProducts({ products }: { products: StatsResponse['topProducts'] }) {
  return (
    <section aria-labelledby="products-heading">
      <h2 id="products-heading">Top products</h2>
      {products.length === 0 ? (
        <Text>No product sold in these days.</Text>
      ) : (
        <div className="table-wrap">
          <table className="orders-table" data-testid="top-products">
            <caption className="visually-hidden">Best-selling products by revenue</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Units</th>
                <th scope="col">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {products.map((p) => (
                <tr key={p.productId}>
                  <th scope="row">{p.name}</th>
                  <td data-label="Units">{p.units}</td>
                  <td data-label="Revenue">{formatPrice(p.revenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Every day of the range as a table row, and the same rows as a CSV download. */
function StatsPerDay({ days, range }: { days: StatsResponse['days']; range: DayRange }) {
  const csvHref = `data:text/csv;charset=utf-8,${encodeURIComponent(statsCsv(days))}`;
  return (
    <section aria-labelledby="days-heading">
      <Flex alignItems="center" justifyContent="space-between" wrap="wrap">
        <h2 id="days-heading">Per day</h2>
        <a className="amplify-button amplify-button--small" href={csvHref} download={`shop-figures-${range.from}-to-${range.to}.csv`}>
          Download CSV
        </a>
      </Flex>
      <div className="table-wrap">
        <table className="orders-table" data-testid="stats-days">
          <caption className="visually-hidden">Orders and revenue per day, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Orders</th>
              <th scope="col">Paid</th>
              <th scope="col">Declined</th>
              <th scope="col">Cancelled</th>
              <th scope="col">Refunded</th>
              <th scope="col">Out of stock</th>
              <th scope="col">Revenue</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date}>
                <th scope="row">{d.date}</th>
                <td data-label="Orders">{d.orders}</td>
                <td data-label="Paid">{d.paid}</td>
                <td data-label="Declined">{d.declined}</td>
                <td data-label="Cancelled">{d.cancelled}</td>
                <td data-label="Refunded">{d.refunded}</td>
                <td data-label="Out of stock">{d.outOfStock}</td>
                <td data-label="Revenue">{formatPrice(d.revenue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
