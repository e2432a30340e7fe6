import { defineFunction } from '@aws-amplify/backend';
import { FUNCTIONS, RESOURCE_GROUP } from '../../domain/resources.ts';

export const recoverOrders = defineFunction({
  name: FUNCTIONS.recoverOrders.name,
  entry: './handler.ts',
  runtime: 22,
  memoryMB: FUNCTIONS.recoverOrders.memoryMB,
  timeoutSeconds: FUNCTIONS.recoverOrders.timeoutSeconds,
  // One stack for the functions and the resources they reference: no nested-stack cycle.
  resourceGroupName: RESOURCE_GROUP,
});
