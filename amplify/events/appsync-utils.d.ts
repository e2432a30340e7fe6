/**
 * The part of `@aws-appsync/utils` the namespace's handler uses (the package is provided by the
 * APPSYNC_JS runtime; it is not installed here). The local stand-in's shim is local/appsync-events/appsync-utils.ts.
 */
declare module '@aws-appsync/utils' {
  export interface Context {
    identity?: unknown;
    info: { channel: { path: string; segments: string[] }; channelNamespace: { name: string }; operation: 'SUBSCRIBE' | 'PUBLISH' };
    request?: { headers: Record<string, string> };
    stash?: Record<string, unknown>;
    events?: unknown[];
  }
  export const util: {
    /** Refuses the request as unauthorized (ends the handler). */
    unauthorized(): never;
  };
}
