import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSinkOptions {
  smtpPort: number;
  httpPort: number;
  host?: string;
}

export interface SmtpSink {
  host: string;
  smtpPort: number;
  /** Base URL of the Mailpit-compatible API, e.g. http://127.0.0.1:8025 */
  apiUrl: string;
  messages(): readonly StoredMessage[];
  /** false closes the SMTP port (senders get "connection refused"); true listens again. The API stays up. */
  setAvailable(available: boolean): Promise<void>;
  stop(): Promise<void>;
}

interface Address {
  Name: string;
  Address: string;
}

export interface StoredMessage {
  ID: string;
  MessageID: string;
  From: Address;
  To: Address[];
  Cc: Address[];
  Bcc: Address[];
  Subject: string;
  Created: string;
  Size: number;
  Text: string;
  HTML: string;
}

/** Accepts every mail (no auth, no TLS), keeps it in memory, serves the subset of Mailpit's API the tests use. */
export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  let store: StoredMessage[] = []; // newest first, like Mailpit

  const newSmtp = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 500, // pooled client connections would otherwise hold close() for 30 s
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((mail) => {
              const to = addresses(mail.to);
              const envelope = session.envelope.rcptTo.map((r) => r.address);
              store.unshift({
                ID: randomUUID(),
                MessageID: mail.messageId ?? '',
                From: addresses(mail.from)[0] ?? { Name: '', Address: session.envelope.mailFrom ? session.envelope.mailFrom.address : '' },
                To: to.length > 0 ? to : envelope.map((a) => ({ Name: '', Address: a })),
                Cc: addresses(mail.cc),
                // Bcc never appears in headers: it is whoever was in the envelope but not in To/Cc.
                Bcc: envelope.filter((a) => ![...to, ...addresses(mail.cc)].some((x) => x.Address === a)).map((a) => ({ Name: '', Address: a })),
                Subject: mail.subject ?? '',
                Created: new Date().toISOString(),
                Size: raw.length,
                Text: mail.text ?? '',
                HTML: mail.html || '',
              });
              callback();
            })
            .catch((err: Error) => callback(err));
        });
      },
    });

  let smtp: SMTPServer | undefined;
  const setAvailable = async (available: boolean) => {
    if (available && !smtp) {
      const s = newSmtp();
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.smtpPort, host, () => resolve());
      });
      s.on('error', () => {}); // a client dropping mid-session must not crash the test run
      smtp = s;
    } else if (!available && smtp) {
      const s = smtp;
      smtp = undefined;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  };

  const http = createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      send(res, 500, { error: String(err) });
    }
  });
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/api/v1/messages' || path === '/api/v1/search')) {
      const query = path.endsWith('search') ? (url.searchParams.get('query') ?? '') : '';
      const found = store.filter((m) => matches(m, query));
      const start = Number(url.searchParams.get('start') ?? 0);
      const page = found.slice(start, start + Number(url.searchParams.get('limit') ?? 50));
      return send(res, 200, {
        total: store.length, unread: 0, count: page.length, messages_count: found.length, start, tags: [],
        messages: page.map(({ Text, HTML: _html, ...summary }) => ({ ...summary, Read: false, Tags: [], Attachments: 0, Snippet: Text.slice(0, 250) })),
      });
    }
    const one = /^\/api\/v1\/message\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const msg = one[1] === 'latest' ? store[0] : store.find((m) => m.ID === one[1]);
      if (!msg) return send(res, 404, { error: 'message not found' });
      return send(res, 200, { ...msg, Date: msg.Created, Tags: [], Inline: [], Attachments: [] });
    }
    if (req.method === 'DELETE' && path === '/api/v1/messages') {
      return readBody(req).then((body) => {
        const ids = (body as { IDs?: string[] } | undefined)?.IDs;
        store = ids?.length ? store.filter((m) => !ids.includes(m.ID)) : [];
        send(res, 200, 'ok');
      }, (err: Error) => send(res, 400, { error: err.message }));
    }
    send(res, 404, { error: `no route ${req.method} ${path}` });
  };

  await setAvailable(true);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.httpPort, host, () => resolve());
  });

  return {
    host,
    smtpPort: options.smtpPort,
    apiUrl: `http://${host}:${options.httpPort}`,
    messages: () => store,
    setAvailable,
    async stop() {
      await setAvailable(false);
      await closeHttp(http);
    },
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): Address[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value).map((v) => ({ Name: v.name ?? '', Address: v.address ?? '' }));
}

/** Mailpit's search syntax, the part we need: `to:x from:x subject:"a b"` and bare words, all ANDed. */
function matches(m: StoredMessage, query: string): boolean {
  const terms = query.match(/(\w+:)?("[^"]*"|\S+)/g) ?? [];
  return terms.every((term) => {
    const [, field = '', raw = ''] = /^(?:(\w+):)?(.*)$/.exec(term) ?? [];
    const value = raw.replace(/^"|"$/g, '').toLowerCase();
    const has = (s: string) => s.toLowerCase().includes(value);
    const addrs = (list: Address[]) => list.some((a) => has(a.Address) || has(a.Name));
    if (field === 'to') return addrs([...m.To, ...m.Cc, ...m.Bcc]);
    if (field === 'from') return addrs([m.From]);
    if (field === 'subject') return has(m.Subject);
    return has(m.Subject) || has(m.Text) || addrs([m.From, ...m.To]);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text ? JSON.parse(text) : undefined;
}

export function closeHttp(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections(); // keep-alive sockets would hold close() open
  return closed;
}
