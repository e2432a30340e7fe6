/**
 * cognito-local's Cognito Identity Provider targets, built from its own modules (not its server) so
 * the pool's data lives under the folder given, with the two gaps closed the way Cognito behaves:
 * `GetTokensFromRefreshToken` (what Amplify JS 6 refreshes with) answered by `REFRESH_TOKEN_AUTH`,
 * and `ConfirmSignUp` marking the e-mail verified. Verification codes go to `deliverMail`.
 * Used by local/cognito/cognito.ts, which puts them behind the guard.
 */
import { createRequire } from 'node:module';
import type { VerificationMail } from './cognito.ts';

// cognito-local loads the AWS SDK v2 (for Lambda triggers, unused here): no end-of-support notice.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
const require = createRequire(import.meta.url);
const lib = (module: string) => require(`cognito-local/lib/${module}`);
// cognito-local's own logger library (its server needs a pino logger).
const pino = createRequire(require.resolve('cognito-local'))('pino') as (options: object) => unknown;

export interface CognitoLocalContext {
  logger: unknown;
}
export type Route = (ctx: CognitoLocalContext, request: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface CognitoLocalTargets {
  /** The handler of one Cognito action (e.g. `InitiateAuth`). */
  target: (action: string) => Route;
  /** Reads and updates a pool's options directly (settings the API of cognito-local cannot set). */
  cognito: { getUserPool(ctx: CognitoLocalContext, userPoolId: string): Promise<{ options: Record<string, unknown>; updateOptions(ctx: CognitoLocalContext, options: Record<string, unknown>): Promise<void> }> };
  ctx: CognitoLocalContext;
  /** The token generator's settings: its issuer is set once the port is known. */
  tokenConfig: { IssuerDomain: string };
  /** cognito-local's public signing key. */
  jwk: Record<string, unknown>;
}

export async function cognitoLocalTargets(dataDirectory: string, deliverMail: (mail: VerificationMail) => void | Promise<void>): Promise<CognitoLocalTargets> {
  const { DateClock, MessagesService, TriggersService, LambdaService } = lib('services/index.js');
  const { CognitoServiceFactoryImpl } = lib('services/cognitoService.js');
  const { UserPoolServiceFactoryImpl } = lib('services/userPoolService.js');
  const { StormDBDataStoreFactory } = lib('services/dataStore/stormDb.js');
  const { MessageDeliveryService } = lib('services/messageDelivery/messageDelivery.js');
  const { JwtTokenGenerator } = lib('services/tokenGenerator.js');
  const { CryptoService } = lib('services/crypto.js');
  const { otp } = lib('services/otp.js');
  const { DefaultConfig } = lib('server/config.js');
  const { Router } = lib('server/Router.js');

  const logger = pino({ level: process.env.COGNITO_LOCAL_LOG_LEVEL ?? 'silent' });
  const ctx: CognitoLocalContext = { logger };
  // The issuer is known once the port is: the token generator reads this object when it signs.
  const config = {
    ...DefaultConfig,
    TokenConfig: { IssuerDomain: 'http://127.0.0.1' },
  };
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dataDirectory);
  const cognito = await new CognitoServiceFactoryImpl(dataDirectory, dataStoreFactory, new UserPoolServiceFactoryImpl(clock, dataStoreFactory)).create(
    ctx,
    config.UserPoolDefaults,
  );
  // No Lambda triggers are configured, so the (AWS SDK v2) Lambda client is never called.
  const triggers = new TriggersService(clock, cognito, new LambdaService({}, undefined), new CryptoService(config.KMSConfig));
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(mailSender(deliverMail))),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const target = withCognitoGaps(Router(services) as (target: string) => Route, cognito);
  return {
    target,
    cognito,
    ctx,
    tokenConfig: config.TokenConfig,
    jwk: (require('cognito-local/lib/keys/cognitoLocal.public.json') as { jwk: Record<string, unknown> }).jwk,
  };
}

/** cognito-local's sender: verification codes to `deliverMail` (the local outbox), never SMS. */
function mailSender(deliverMail: (mail: VerificationMail) => void | Promise<void>) {
  return {
    async sendEmail(_ctx: unknown, _user: unknown, destination: string, message: { __code?: string; emailSubject?: string; emailMessage?: string }) {
      const code = message.__code ?? '';
      await deliverMail({
        to: destination,
        subject: message.emailSubject ?? 'Your verification code',
        body: message.emailMessage ?? `To: ${destination}\n\nYour verification code is ${code}.`,
        code,
      });
    },
    async sendSms() {
      throw new Error('The local user pool sends e-mail only');
    },
  };
}

/** The part of cognito-local's Cognito service the gaps need (its modules are untyped). */
interface PoolsByClient {
  getUserPoolForClientId(
    ctx: CognitoLocalContext,
    clientId: unknown,
  ): Promise<{ options: { Id: string }; getUserByUsername(ctx: CognitoLocalContext, username: unknown): Promise<{ Attributes: { Name: string; Value?: string }[] } | null> }>;
}

/**
 * cognito-local's targets with two gaps closed as Cognito behaves: `GetTokensFromRefreshToken`
 * answered by `REFRESH_TOKEN_AUTH`, and `ConfirmSignUp` marking the e-mail verified.
 */
function withCognitoGaps(router: (target: string) => Route, cognito: PoolsByClient): (action: string) => Route {
  return (action: string): Route => {
    if (action === 'GetTokensFromRefreshToken') {
      return async (c, request) => {
        const result = await router('InitiateAuth')(c, {
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: request.ClientId,
          AuthParameters: { REFRESH_TOKEN: request.RefreshToken },
        });
        return { AuthenticationResult: { ...(result.AuthenticationResult as object), RefreshToken: request.RefreshToken } };
      };
    }
    if (action === 'ConfirmSignUp') {
      return async (c, request) => {
        const result = await router('ConfirmSignUp')(c, request);
        const pool = await cognito.getUserPoolForClientId(c, request.ClientId);
        const user = await pool.getUserByUsername(c, request.Username);
        const email = user?.Attributes.find((a: { Name: string }) => a.Name === 'email')?.Value;
        if (email) {
          await router('AdminUpdateUserAttributes')(c, {
            UserPoolId: pool.options.Id,
            Username: request.Username,
            UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
          });
        }
        return result;
      };
    }
    return router(action);
  };
}
