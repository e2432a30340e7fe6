/**
 * The public routes: health and the catalog with each product's `available` stock; and the staff's
 * stock routes (`GET|PUT /products/{productId}/stock`: the stock with its history, a change with a reason).
 */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ROUTES } from '../../../domain/api.ts';
import { CATALOG, centsToAmount, findProduct } from '../../../domain/catalog.ts';
import { availableOf, CATALOG_CACHE_CONTROL, parseStockChange, STOCK } from '../../../domain/inventory.ts';
import type { StockLedger } from '../../../server/ports.ts';
import type { StaffConfirmation } from '../../../server/staff.ts';
import { ApiError, json, readJsonBody } from '../http.ts';
import { restEvent, routerPath, signedInCaller } from '../request.ts';

const products = CATALOG.map(({ priceCents, ...product }) => ({ ...product, price: centsToAmount(priceCents) }));
const productIds = CATALOG.map((product) => product.productId);

export interface CatalogDeps {
  stock: StockLedger;
  confirmStaff: StaffConfirmation;
  logger: Logger;
}

export function catalogRoutes({ stock, confirmStaff, logger }: CatalogDeps): Router {
  const router = new Router();
  router.get(routerPath(ROUTES.health), () => json(200, { status: 'ok', time: new Date().toISOString() }));
  router.get(routerPath(ROUTES.products), async () => {
    // For display: eventually consistent (half the read price; a second old at most). What is
    // binding is POST /orders's check (consistent) and the workflow's reservation.
    const levels = await stock.levels(productIds, { consistent: false });
    // A product without a stock item yet counts as its seed (`availableOf`): its first reservation seeds it.
    return json(
      200,
      { products: products.map((product) => ({ ...product, available: availableOf(levels.get(product.productId)) })), lowStockThreshold: STOCK.lowStockThreshold },
      // The same for everyone (no personal data): CloudFront keeps it briefly (amplify/cloud/storefront-distribution.ts).
      { 'Cache-Control': CATALOG_CACHE_CONTROL },
    );
  });

  /** The product named by the path, for a confirmed staff member (a customer: 403; no such product: 404). */
  const staffProduct = async (ctx: { event: unknown; params: Record<string, string | undefined> }) => {
    const caller = await signedInCaller(ctx, confirmStaff);
    if (!caller.isStaff) throw new ApiError(403, 'Stock is managed by staff only', [{ path: 'productId', message: 'Staff only' }]);
    const product = findProduct(ctx.params.productId ?? '');
    if (!product) throw new ApiError(404, 'Product not found', [{ path: 'productId', message: `No product ${JSON.stringify(ctx.params.productId ?? '').slice(0, 80)}` }]);
    return { caller, product };
  };

  router.get(routerPath(ROUTES.productStock), async (ctx) => {
    const { product } = await staffProduct(ctx);
    const [level, history] = await Promise.all([stock.levels([product.productId]), stock.history(product.productId, STOCK.historyPageSize)]);
    return json(200, { ...(level.get(product.productId) ?? { productId: product.productId, available: availableOf(undefined), reserved: 0, sold: 0, openReservations: 0 }), history });
  });

  router.put(routerPath(ROUTES.productStock), async (ctx) => {
    const { caller, product } = await staffProduct(ctx);
    const change = parseStockChange(readJsonBody(restEvent(ctx)));
    const at = new Date().toISOString();
    // A product with no stock recorded yet counts as its seed (`availableOf`): a change starts from there.
    await stock.seed(product.productId, STOCK.seedUnits, at);
    const { level, entry } = await stock.change(product.productId, change, caller.email, at);
    logger.info('Stock changed', { staffSub: caller.sub, productId: product.productId, before: entry.before, after: entry.after });
    return json(200, { ...level, change: entry });
  });
  return router;
}
