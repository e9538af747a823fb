import type { EventData, TypedEvent } from '@pms/contracts';
import { escapeHtml, formatDate, formatDateTimeIn, formatMoney, formatSpecialty } from './format.js';

/** One message to one recipient on one channel, rendered and ready to queue. */
export interface OutgoingMessage {
  channel: 'EMAIL' | 'SMS';
  recipient: string;
  subject: string | null;
  text: string;
  html: string | null;
}

interface Email {
  to: string;
  subject: string;
  greeting: string;
  /** Paragraphs; each is escaped for the HTML part. */
  paragraphs: string[];
  /** Label/value lines, shown as a list. */
  facts?: [string, string][];
}

const signature = 'Your clinic team';

/** Plain text and a simple HTML part from the same content, so both always say the same. */
function email({ to, subject, greeting, paragraphs, facts = [] }: Email): OutgoingMessage {
  const factLines = facts.map(([label, value]) => `${label}: ${value}`);
  const text = [greeting, ...paragraphs, ...(factLines.length ? [factLines.join('\n')] : []), signature].join('\n\n');
  const factHtml = facts.length
    ? `<table>${facts.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`
    : '';
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    factHtml,
    `<p>${escapeHtml(signature)}</p>`,
  ].join('\n');
  return { channel: 'EMAIL', recipient: to, subject, text, html: `<!doctype html><html><body>${html}</body></html>` };
}

/** The appointment as the patient needs it; times in the doctor's time zone, where the visit happens. */
function appointmentFacts({ data }: { data: EventData<'AppointmentBooked'> }): [string, string][] {
  const facts: [string, string][] = [
    ['When', formatDateTimeIn(data.startsAt, data.doctor.timeZone)],
    ['Duration', `${data.durationMinutes} minutes`],
    ['Doctor', `${data.doctor.name} (${formatSpecialty(data.doctor.specialty)})`],
  ];
  if (data.reason) facts.push(['Reason', data.reason]);
  return facts;
}

function appointmentBooked(event: TypedEvent<'AppointmentBooked'>): OutgoingMessage[] {
  const { data } = event;
  const when = formatDateTimeIn(data.startsAt, data.doctor.timeZone);
  return [
    email({
      to: data.patient.email,
      subject: `Appointment confirmed: ${when}`,
      greeting: `Dear ${data.patient.name},`,
      paragraphs: [`your appointment with ${data.doctor.name} is booked for ${when}.`, 'If you cannot come, please cancel it in good time.'],
      facts: appointmentFacts(event),
    }),
  ];
}

function appointmentCancelled(event: TypedEvent<'AppointmentCancelled'>): OutgoingMessage[] {
  const { data } = event;
  const when = formatDateTimeIn(data.startsAt, data.doctor.timeZone);
  const facts = appointmentFacts(event);
  if (data.cancellationReason) facts.push(['Cancellation reason', data.cancellationReason]);
  return [
    email({
      to: data.patient.email,
      subject: `Appointment cancelled: ${when}`,
      greeting: `Dear ${data.patient.name},`,
      paragraphs: [`your appointment with ${data.doctor.name} on ${when} has been cancelled.`, 'You are welcome to book a new one at any time.'],
      facts,
    }),
  ];
}

function appointmentRescheduled(event: TypedEvent<'AppointmentRescheduled'>): OutgoingMessage[] {
  const { data } = event;
  const when = formatDateTimeIn(data.startsAt, data.doctor.timeZone);
  const before = formatDateTimeIn(data.previousStartsAt, data.doctor.timeZone);
  return [
    email({
      to: data.patient.email,
      subject: `Appointment moved to ${when}`,
      greeting: `Dear ${data.patient.name},`,
      paragraphs: [`your appointment with ${data.doctor.name} has been moved from ${before} to ${when}.`],
      facts: [...appointmentFacts(event), ['Previously', before]],
    }),
  ];
}

function invoiceGenerated({ data }: TypedEvent<'InvoiceGenerated'>): OutgoingMessage[] {
  const amount = formatMoney(data.amountCents, data.currency);
  const due = formatDate(data.dueDate);
  return [
    email({
      to: data.patient.email,
      subject: `Your invoice of ${amount}, due ${due}`,
      greeting: `Dear ${data.patient.name},`,
      paragraphs: [`we have issued an invoice of ${amount} for your ${formatSpecialty(data.specialty).toLowerCase()} appointment. Please pay it by ${due}.`],
      facts: [
        ['Amount', amount],
        ['Due date', due],
        ['Invoice', data.invoiceId],
      ],
    }),
  ];
}

function patientCreated({ data }: TypedEvent<'PatientCreated'>): OutgoingMessage[] {
  const messages = [
    email({
      to: data.email,
      subject: 'Welcome to our clinic',
      greeting: `Dear ${data.name},`,
      paragraphs: ['you are now registered as a patient with us. You can book appointments online or at the front desk.'],
    }),
  ];
  if (data.phone) {
    const text = `Welcome, ${data.name}: you are now registered with our clinic.`;
    messages.push({ channel: 'SMS', recipient: data.phone, subject: null, text, html: null });
  }
  return messages;
}

function emailVerificationRequested({ data }: TypedEvent<'EmailVerificationRequested'>): OutgoingMessage[] {
  return [
    email({
      to: data.email,
      subject: 'Verify your email',
      greeting: data.name ? `Dear ${data.name},` : 'Hello,',
      paragraphs: [
        'please confirm that this is your email address by opening this link:',
        data.link,
        `Or enter this code on the verification page: ${data.token}`,
        `The link works once and until ${formatDateTimeIn(data.expiresAt, 'UTC')}. If you did not register with our clinic, ignore this email.`,
      ],
    }),
  ];
}

/** "24 hours", "2 hours", "30 minutes": how far ahead a reminder is. */
function aheadOf(offsetSeconds: number): string {
  const [amount, unit] =
    offsetSeconds % 86_400 === 0 && offsetSeconds >= 172_800
      ? [offsetSeconds / 86_400, 'day']
      : offsetSeconds % 3_600 === 0
        ? [offsetSeconds / 3_600, 'hour']
        : [Math.round(offsetSeconds / 60), 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/** Where and how a patient agreed to be reached (notification's copy of patient's record). */
export interface Contact {
  email: string;
  phone: string | null;
  emailAllowed: boolean;
  smsAllowed: boolean;
}

/** A reminder of an appointment, on each channel the patient allows (none, if they allow none). */
export function reminderMessages(appointment: EventData<'AppointmentBooked'>, contact: Contact, offsetSeconds: number): OutgoingMessage[] {
  const when = formatDateTimeIn(appointment.startsAt, appointment.doctor.timeZone);
  const messages: OutgoingMessage[] = [];
  if (contact.emailAllowed) {
    messages.push(
      email({
        to: contact.email,
        subject: `Reminder: your appointment on ${when}`,
        greeting: `Dear ${appointment.patient.name},`,
        paragraphs: [
          `this is a reminder of your appointment with ${appointment.doctor.name} in ${aheadOf(offsetSeconds)}, on ${when}.`,
          'If you cannot come, please cancel it so someone else can have the slot.',
        ],
        facts: appointmentFacts({ data: appointment }),
      }),
    );
  }
  if (contact.smsAllowed && contact.phone) {
    const text = `Reminder: your appointment with ${appointment.doctor.name} is on ${when}.`;
    messages.push({ channel: 'SMS', recipient: contact.phone, subject: null, text, html: null });
  }
  return messages;
}

function waitlistSlotOffered({ data }: TypedEvent<'WaitlistSlotOffered'>): OutgoingMessage[] {
  const when = formatDateTimeIn(data.startsAt, data.doctor.timeZone);
  const until = formatDateTimeIn(data.expiresAt, data.doctor.timeZone);
  return [
    email({
      to: data.patient.email,
      subject: `A slot is available: ${when}`,
      greeting: `Dear ${data.patient.name},`,
      paragraphs: [
        `a slot with ${data.doctor.name} has become available on ${when}, within the time you are waiting for.`,
        `It is held for you until ${until}; book it before then, or it passes to the next patient waiting.`,
      ],
      facts: [
        ['When', when],
        ['Doctor', `${data.doctor.name} (${formatSpecialty(data.doctor.specialty)})`],
        ['Held until', until],
      ],
    }),
  ];
}

/** The messages an event causes; none for event types that notify nobody. */
export function messagesFor(event: TypedEvent): OutgoingMessage[] {
  switch (event.type) {
    case 'AppointmentBooked':
      return appointmentBooked(event);
    case 'AppointmentCancelled':
      return appointmentCancelled(event);
    case 'AppointmentRescheduled':
      return appointmentRescheduled(event);
    case 'InvoiceGenerated':
      return invoiceGenerated(event);
    case 'PatientCreated':
      return patientCreated(event);
    case 'EmailVerificationRequested':
      return emailVerificationRequested(event);
    case 'WaitlistSlotOffered':
      return waitlistSlotOffered(event);
    default:
      return [];
  }
}

/** The event types that notify someone: what the consumer subscribes handlers for. */
export const notifyingEventTypes = [
  'AppointmentBooked',
  'AppointmentCancelled',
  'AppointmentRescheduled',
  'InvoiceGenerated',
  'PatientCreated',
  'EmailVerificationRequested',
  'WaitlistSlotOffered',
] as const satisfies TypedEvent['type'][];
