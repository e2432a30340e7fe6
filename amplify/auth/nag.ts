/**
 * cdk-nag findings of the accounts that this store accepts, each on the narrowest construct (see
 * amplify/cloud/nag.ts for the rest). The API-wide acknowledgements of "no authorizer" are gone:
 * every /orders method now has the Cognito authorizer; only the two public reads remain.
 */
import type { BackendAuth } from '@aws-amplify/backend-auth';
import { acknowledge } from '../cloud/nag.ts';
import type { OrdersCloud } from '../cloud/orders-cloud.ts';
import { ROUTE_ACCESS, ROUTE_METHODS, ROUTES } from '../domain/api.ts';

export function acknowledgeAuthNagFindings(auth: Pick<BackendAuth, 'resources'>, cloud: OrdersCloud): void {
  // The catalog and the health check are public by design: a guest browses before signing in.
  for (const route of Object.keys(ROUTES) as (keyof typeof ROUTES)[]) {
    if (ROUTE_ACCESS[route] !== 'public') continue;
    for (const method of ROUTE_METHODS[route]) {
      const construct = cloud.api.root.resourceForPath(ROUTES[route]).node.tryFindChild(method);
      if (!construct) throw new Error(`acknowledgeAuthNagFindings: no ${method} ${ROUTES[route]}`);
      const reason = `${method} ${ROUTES[route]} is public by design (ROUTE_ACCESS): guests browse the catalog before signing in; it reads no customer data. Every /orders method has the Cognito authorizer.`;
      acknowledge(construct, { id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
    }
  }
  const userPool = auth.resources.userPool;
  acknowledge(
    userPool,
    {
      id: 'AwsSolutions-COG2',
      reason:
        'Shoppers sign in with e-mail and password; MFA is not required of customers (friction at checkout, and a lost second factor locks them out of their order history). Staff (ADMINS) must have TOTP set up: without it app-server grants no staff powers (STAFF_MFA_REQUIRED, amplify/server/staff.ts).',
    },
    {
      id: 'AwsSolutions-COG8',
      reason:
        'The pool is on the Lite feature plan (USER_POOL_PLAN, amplify/auth/app-client.ts: $0.0055 per monthly active user); Plus (threat protection, $0.02 per MAU, about $560 more a month at 30,000 signed-in customers) is a cost decision noted in docs/cloud.md.',
    },
  );
}
