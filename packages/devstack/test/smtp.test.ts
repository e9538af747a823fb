import nodemailer from 'nodemailer';
import { describe, expect, inject, it } from 'vitest';
import { devstackControl } from '../src/index.js';

interface Summary { ID: string; From: { Address: string }; To: { Address: string }[]; Subject: string; Created: string }

const api = inject('smtpApiUrl');
const transport = () => nodemailer.createTransport({ host: inject('smtpHost'), port: inject('smtpPort'), secure: false });
const getJson = async <T>(path: string): Promise<T> => (await fetch(`${api}${path}`)).json() as Promise<T>;

describe('SMTP sink (Mailpit-compatible API)', () => {
  it('accepts a mail and serves it back over HTTP', async () => {
    const subject = `Appointment ${Date.now()}`;
    await transport().sendMail({ from: 'clinic@pms.test', to: 'ann@pms.test', subject, text: 'See you at 10:00', html: '<p>See you at <b>10:00</b></p>' });

    const list = await getJson<{ messages: Summary[]; total: number }>('/api/v1/messages');
    const summary = list.messages.find((m) => m.Subject === subject);
    expect(summary).toMatchObject({ From: { Address: 'clinic@pms.test' }, To: [{ Address: 'ann@pms.test' }] });
    expect(Date.parse(summary!.Created)).not.toBeNaN();

    const full = await getJson<{ Text: string; HTML: string }>(`/api/v1/message/${summary!.ID}`);
    expect(full.Text).toContain('See you at 10:00');
    expect(full.HTML).toContain('<b>10:00</b>');

    const search = await getJson<{ messages: Summary[] }>(`/api/v1/search?query=${encodeURIComponent(`to:ann@pms.test subject:"${subject}"`)}`);
    expect(search.messages.map((m) => m.ID)).toEqual([summary!.ID]);

    await fetch(`${api}/api/v1/messages`, { method: 'DELETE', body: JSON.stringify({ IDs: [summary!.ID] }) });
    const after = await getJson<{ messages: Summary[] }>('/api/v1/messages');
    expect(after.messages.some((m) => m.ID === summary!.ID)).toBe(false);
  });

  it.skipIf(!inject('smtpControllable'))('can be taken down and brought back on the same port', async () => {
    const control = devstackControl(inject('devstackControlUrl'));
    await control.setSmtpAvailable(false);
    try {
      await expect(transport().sendMail({ from: 'a@pms.test', to: 'b@pms.test', subject: 'lost', text: 'x' })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await control.setSmtpAvailable(true);
    }
    await transport().sendMail({ from: 'a@pms.test', to: 'b@pms.test', subject: 'back again', text: 'x' });
    const list = await getJson<{ messages: Summary[] }>('/api/v1/messages');
    expect(list.messages.map((m) => m.Subject)).toContain('back again');
    expect(list.messages.map((m) => m.Subject)).not.toContain('lost');
  });
});
