/**
 * Ports chosen ahead for a stack a test starts (its API, storefront and user pool), picked below
 * the kernel's ephemeral range. Every stack binds its own services on port 0, which the kernel
 * serves from that range; a port chosen inside it could be taken by another stack between being
 * chosen and being bound (CI failed once on exactly that: Playwright found the second stack's port
 * already used by the first stack's scheduler).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LOWEST_PORT = 10_000;

/** The first port of the kernel's ephemeral range (Linux's default when it cannot be read). */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low && low > LOWEST_PORT + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * `count` distinct ports on 127.0.0.1 that were free a moment ago. Synchronous, so a config file
 * can call it: the bind checks run in a child Node process.
 */
export function freePorts(count: number): number[] {
  const script = `
    const net = require('node:net');
    const [count, low, high] = process.argv.slice(1).map(Number);
    const isFree = (port) => new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    (async () => {
      const ports = new Set();
      for (let tries = 0; ports.size < count && tries < 1000; tries++) {
        const port = low + Math.floor(Math.random() * (high - low));
        if (!ports.has(port) && (await isFree(port))) ports.add(port);
      }
      if (ports.size < count) throw new Error('no free ports below the ephemeral range');
      process.stdout.write([...ports].join(','));
    })();`;
  const args = [String(count), String(LOWEST_PORT), String(ephemeralRangeStart())];
  return execFileSync(process.execPath, ['-e', script, ...args], { encoding: 'utf8' }).split(',').map(Number);
}

/** One free port (see `freePorts`). */
export const freePort = (): number => freePorts(1)[0]!;
