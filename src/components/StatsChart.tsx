/**
 * The Dashboard's chart: orders (left axis) and revenue (right axis) per day, drawn by uPlot
 * (~50 KB minified, no dependencies). This module is the only one importing it, and the Dashboard
 * loads it with `lazy()`: the library never reaches the first page's JavaScript. A canvas says
 * nothing to a screen reader: the figure carries a summary, and the page lists the same days in a table.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { StatsDay } from '../../amplify/domain/stats-summary.ts';

const ORDERS_COLOUR = '#0b6e99';
const REVENUE_COLOUR = '#a33a00';
const HEIGHT = 280;

export default function StatsChart({ days }: { days: StatsDay[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const data: uPlot.AlignedData = [
      days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000),
      days.map((d) => d.orders),
      days.map((d) => d.revenue),
    ];
    const chart = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, orders: { range: (_u, _min, max) => [0, Math.max(1, max)] }, revenue: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          {},
          { label: 'Orders', scale: 'orders', stroke: ORDERS_COLOUR, width: 2, points: { show: days.length <= 62 } },
          { label: 'Revenue', scale: 'revenue', stroke: REVENUE_COLOUR, width: 2, dash: [6, 4], points: { show: days.length <= 62 } },
        ],
        axes: [
          {},
          { scale: 'orders', label: 'Orders', stroke: ORDERS_COLOUR },
          { scale: 'revenue', label: 'Revenue ($)', side: 1, stroke: REVENUE_COLOUR, grid: { show: false } },
        ],
      },
      data,
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [days]);
  const orders = days.reduce((s, d) => s + d.orders, 0);
  const revenue = days.reduce((s, d) => s + d.revenue, 0);
  return (
    <figure className="stats-chart">
      <div
        ref={box}
        role="img"
        data-testid="stats-chart"
        aria-label={`Chart of orders and revenue per day, ${days[0]?.date} to ${days.at(-1)?.date}: ${orders} orders, $${revenue.toFixed(2)} revenue in all. The table below lists each day.`}
      />
      <figcaption className="stats-legend">
        <span className="stats-key stats-key-orders">Orders (solid line, left axis)</span>
        <span className="stats-key stats-key-revenue">Revenue in dollars (dashed line, right axis)</span>
      </figcaption>
    </figure>
  );
}
