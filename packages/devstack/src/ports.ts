import { createServer } from 'node:net';

/** A port nobody listens on right now (the OS picks it), on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Fails early with a readable message instead of a bind error deep in a child's log. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', () => reject(new Error(`${what}: port ${port} on 127.0.0.1 is already in use`)));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}
