/**
 * The `orders` namespace's handlers (APPSYNC_JS, AppSync Events): a subscription is allowed for
 * the channel's owner or for staff (`maySubscribe`, amplify/domain/live-updates.ts), anything else
 * is `util.unauthorized()`. Publishing needs IAM (the namespace's publish auth), so no onPublish:
 * events reach subscribers as the functions publish them.
 *
 * Bundled by `bundleOrdersChannelHandler` (amplify/events/bundle.ts) for the cloud; the local
 * stand-in (local/appsync-events/appsync-events.ts) runs the same bundle with a shim for `@aws-appsync/utils`.
 */
import { util, type Context } from '@aws-appsync/utils';
import { maySubscribe, type LiveIdentity } from '../domain/live-channels.ts';

export function onSubscribe(ctx: Context): void {
  if (!maySubscribe(ctx.info.channel.segments, ctx.identity as LiveIdentity | null | undefined)) util.unauthorized();
}
