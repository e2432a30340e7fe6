import { defineFunction } from '@aws-amplify/backend';
import { FUNCTIONS, RESOURCE_GROUP } from '../../domain/resources.ts';

export const orderStarter = defineFunction({
  name: FUNCTIONS.orderStarter.name,
  entry: './handler.ts',
  runtime: 22,
  memoryMB: FUNCTIONS.orderStarter.memoryMB,
  timeoutSeconds: FUNCTIONS.orderStarter.timeoutSeconds,
  // One stack for the functions and the resources they reference: no nested-stack cycle.
  resourceGroupName: RESOURCE_GROUP,
});
