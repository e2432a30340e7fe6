/**
 * cdk-nag findings of the accounts that this store accepts, each on the narrowest construct (see
 * amplify/cloud/nag.ts for the rest). No API-wide acknowledgement of "no authorizer": each method
 * without the Cognito authorizer is named, the two public reads and a guest's four (`GUEST_METHODS`).
 */
import type { BackendAuth } from '@aws-amplify/backend-auth';
import { acknowledge } from '../cloud/nag.ts';
import type { OrdersCloud } from '../cloud/orders-cloud.ts';
import { methodAccess, ROUTE_METHODS, ROUTES } from '../domain/api.ts';

export function acknowledgeAuthNagFindings(auth: Pick<BackendAuth, 'resources'>, cloud: OrdersCloud): void {
  // The catalog and the health check are public by design: a guest browses before signing in. A
  // guest's methods verify what they are sent in app-server (an ID token, or the order's token).
  for (const route of Object.keys(ROUTES) as (keyof typeof ROUTES)[]) {
    for (const method of ROUTE_METHODS[route]) {
      const access = methodAccess(route, method);
      if (access === 'signedIn') continue;
      const construct = cloud.api.root.resourceForPath(ROUTES[route]).node.tryFindChild(method);
      if (!construct) throw new Error(`acknowledgeAuthNagFindings: no ${method} ${ROUTES[route]}`);
      const reason =
        access === 'public'
          ? `${method} ${ROUTES[route]} is public by design (ROUTE_ACCESS): guests browse the catalog before signing in; it reads no customer data.`
          : `${method} ${ROUTES[route]} is open to guests (GUEST_METHODS): API Gateway cannot make the Cognito authorizer optional, so app-server verifies an ID token sent in Authorization by the same rules (aws-jwt-verify) and otherwise serves only a guest order, with its 256-bit token (amplify/server/order-token.ts).`;
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
