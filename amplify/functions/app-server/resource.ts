import { defineFunction } from '@aws-amplify/backend';
import { FUNCTIONS, RESOURCE_GROUP } from '../../domain/resources.ts';

export const appServer = defineFunction({
  name: FUNCTIONS.appServer.name,
  entry: './handler.ts',
  runtime: 22,
  memoryMB: FUNCTIONS.appServer.memoryMB,
  timeoutSeconds: FUNCTIONS.appServer.timeoutSeconds,
  // One stack for the functions and the resources they reference: no nested-stack cycle.
  resourceGroupName: RESOURCE_GROUP,
});
