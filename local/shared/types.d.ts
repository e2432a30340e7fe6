declare module 'dynalite' {
  import type { Server } from 'node:http';
  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

declare module 'asl-validator' {
  interface ValidationResult {
    isValid: boolean;
    errors: unknown[];
    errorsText(separator?: string): string;
  }
  export default function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): ValidationResult;
}

/** The part of ws 7 (no types shipped) the local AppSync Events stand-in uses (local/appsync-events/). */
declare module 'ws' {
  import type { IncomingMessage } from 'node:http';
  import type { Duplex } from 'node:stream';
  class WebSocket {
    static readonly OPEN: number;
    readonly readyState: number;
    readonly protocol: string;
    constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string>; origin?: string });
    send(data: string): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: 'message', listener: (data: WebSocket.Data) => void): this;
    on(event: 'close', listener: (code: number, reason: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'open', listener: (...args: unknown[]) => void): this;
    on(event: 'unexpected-response', listener: (request: unknown, response: IncomingMessage) => void): this;
  }
  namespace WebSocket {
    type Data = string | Buffer | ArrayBuffer | Buffer[];
    class Server {
      constructor(options: { noServer: true; maxPayload?: number; handleProtocols?: (protocols: string[], request: IncomingMessage) => string | false });
      handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, callback: (socket: WebSocket) => void): void;
      close(): void;
    }
  }
  export default WebSocket;
}
