/**
 * The one way this project defines a function: its `handler.ts` beside the calling `resource.ts`,
 * its name, memory and timeout from `FUNCTIONS` (amplify/server/settings/functions.ts), and the settings
 * every function shares.
 */
import { defineFunction } from '@aws-amplify/backend';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS, LOG_RETENTION, RESOURCE_GROUP } from '../server/settings/functions.ts';

/** `resourceUrl` is the calling `resource.ts`'s `import.meta.url`: its folder holds `handler.ts`. */
export function defineOrderFunction(key: keyof typeof FUNCTIONS, resourceUrl: string) {
  const { name, memoryMB, timeoutSeconds } = FUNCTIONS[key];
  return defineFunction({
    name,
    entry: fileURLToPath(new URL('./handler.ts', resourceUrl)),
    runtime: 22,
    // Graviton: about 20% cheaper per GB-second than x86 for the same code (the original design's
    // cost advice, docs/original-design.md).
    architecture: 'arm64',
    memoryMB,
    timeoutSeconds,
    // One stack for the functions and the resources they reference: no nested-stack cycle.
    resourceGroupName: RESOURCE_GROUP,
    // A log group with a retention (Lambda's own would keep logs forever).
    logging: { retention: LOG_RETENTION },
  });
}
