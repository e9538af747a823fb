interface Mail {
  ID: string;
  Subject: string;
  Created: string;
}

/** The newest mail to the address whose subject matches, with its text (SMTP sink, Mailpit API). */
export async function newestMail(apiUrl: string, to: string, subject: RegExp, count = 1): Promise<{ subject: string; text: string } | undefined> {
  const response = await fetch(`${apiUrl}/api/v1/search?query=${encodeURIComponent(`to:${to}`)}`);
  const mails = ((await response.json()) as { messages: Mail[] }).messages.filter((mail) => subject.test(mail.Subject));
  if (mails.length < count) return undefined;
  const newest = mails.sort((a, b) => b.Created.localeCompare(a.Created))[0]!;
  const full = (await (await fetch(`${apiUrl}/api/v1/message/${newest.ID}`)).json()) as { Subject: string; Text: string };
  return { subject: full.Subject, text: full.Text };
}
