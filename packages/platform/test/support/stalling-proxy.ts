import { connect, createServer, type Socket } from 'node:net';

export interface StallingProxy {
  /** The same URL, through the proxy. */
  url: string;
  /** From now on nothing is forwarded either way, and new connections wait: a frozen server. */
  freeze(): void;
  /** Forwarding resumes, including what was written while frozen. */
  thaw(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of a real PostgreSQL that can stop forwarding, like a server under SIGSTOP. */
export async function startStallingProxy(targetUrl: string): Promise<StallingProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const waiting: (() => void)[] = [];
  let frozen = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (frozen) socket.pause();
  };
  const server = createServer((client) => {
    track(client);
    const open = () => {
      const upstream = connect(Number(target.port), target.hostname);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    };
    if (frozen) waiting.push(open);
    else open();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(targetUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as { port: number }).port);
  return {
    url: proxied.toString(),
    freeze: () => {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw: () => {
      frozen = false;
      for (const socket of sockets) socket.resume();
      for (const open of waiting.splice(0)) open();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
