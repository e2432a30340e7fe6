/** The public routes: health and the catalog. */
import { Router } from '@aws-lambda-powertools/event-handler/http';
import { ROUTES } from '../../../domain/api.ts';
import { CATALOG, centsToAmount } from '../../../domain/catalog.ts';
import { json } from '../http.ts';
import { routerPath } from '../request.ts';

const products = CATALOG.map(({ priceCents, ...product }) => ({ ...product, price: centsToAmount(priceCents) }));

export function catalogRoutes(): Router {
  const router = new Router();
  router.get(routerPath(ROUTES.health), () => json(200, { status: 'ok', time: new Date().toISOString() }));
  router.get(routerPath(ROUTES.products), () => json(200, { products }));
  return router;
}
