import { defineFunction } from '@aws-amplify/backend';
import { FUNCTIONS, LOG_RETENTION, RESOURCE_GROUP } from '../../server/settings.ts';

export const appServer = defineFunction({
  name: FUNCTIONS.appServer.name,
  entry: './handler.ts',
  runtime: 22,
  // Graviton: about 20% cheaper per GB-second than x86 for the same code (the seed's cost advice).
  architecture: 'arm64',
  memoryMB: FUNCTIONS.appServer.memoryMB,
  timeoutSeconds: FUNCTIONS.appServer.timeoutSeconds,
  // One stack for the functions and the resources they reference: no nested-stack cycle.
  resourceGroupName: RESOURCE_GROUP,
  // A log group with a retention (Lambda's own would keep logs forever).
  logging: { retention: LOG_RETENTION },
});
