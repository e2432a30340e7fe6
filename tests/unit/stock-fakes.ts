/** A `StockLedger` with plenty of everything, for tests about something else than stock. */
import type { StockLedger } from '../../amplify/server/ports.ts';

const UNITS = 1_000_000;
const level = (productId: string) => ({ productId, available: UNITS, reserved: 0, sold: 0, openReservations: 0 });

export const plentifulStock: StockLedger = {
  levels: async (productIds) => new Map(productIds.map((id) => [id, level(id)])),
  reserve: async () => ({ outcome: 'reserved' }),
  release: async () => true,
  sell: async () => true,
  openReservations: async () => [],
  holds: async () => true,
  seed: async () => false,
  change: async (productId, _change, by, at) => ({ level: level(productId), entry: { at, by, reason: '', before: UNITS, after: UNITS } }),
  history: async () => [],
};
