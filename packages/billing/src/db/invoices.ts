import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { InvoiceStatus, PayInvoiceBody } from '@pms/contracts';
import { accountCtes, type WantedAccount } from './accounts.js';
import type { Executor } from './database.js';
import { eventsOfInserted, type OutboxRow } from './outbox.js';
import { invoices, type InvoiceRow } from './schema.js';

/** New invoices are PENDING, or VOID when the cancellation came first. */
export type NewInvoice = Omit<typeof invoices.$inferInsert, 'id' | 'paymentMethod' | 'paidAt' | 'createdAt' | 'updatedAt'>;

/** Inserts the invoice; undefined when the appointment already has one. */
export async function insertInvoiceIfAbsent(db: Executor, invoice: NewInvoice): Promise<InvoiceRow | undefined> {
  const [row] = await db
    .insert(invoices)
    .values(invoice)
    .onConflictDoNothing({ target: invoices.appointmentId })
    .returning();
  return row;
}

/** A PENDING invoice to insert if its appointment has none (its account is the patient's), with its InvoiceGenerated. */
export interface WantedInvoice {
  invoice: Omit<InvoiceRow, 'accountId'>;
  event: OutboxRow;
}

const asRecord = ({ invoice: i, event }: WantedInvoice) => ({
  id: i.id,
  appointment_id: i.appointmentId,
  patient_id: i.patientId,
  doctor_id: i.doctorId,
  specialty: i.specialty,
  duration_minutes: i.durationMinutes,
  amount_cents: i.amountCents,
  currency: i.currency,
  due_date: i.dueDate,
  patient_name: i.patientName,
  patient_email: i.patientEmail,
  created_at: i.createdAt.toISOString(),
  event,
});

/**
 * Many bookings in one statement (one round trip, however many): the patients' accounts opened
 * where absent (see accountCtes), then each invoice inserted unless its appointment has one, with
 * its event only then. At most one wanted row per patient and per appointment. The ids inserted
 * come back, each with its account. A patient whose account a concurrent caller committed during
 * the statement gets nothing from it; the second run, with a newer snapshot, bills them (what the
 * first run inserted it finds and leaves). `unbilled`: patients still without an account after that.
 */
export async function insertPendingInvoices(
  db: Executor,
  accounts: WantedAccount[],
  wanted: WantedInvoice[],
): Promise<{ generated: Map<string, string>; unbilled: string[] }> {
  const generated = new Map<string, string>();
  let unbilled: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const rows = await db.execute<{ id: string | null; account_id: string | null; unbilled_patient: string | null }>(sql`
      with ${accountCtes(accounts)},
      wanted_invoice as (
        select * from jsonb_to_recordset(${JSON.stringify(wanted.map(asRecord))}::jsonb)
          as w(id uuid, appointment_id uuid, patient_id uuid, doctor_id uuid, specialty text, duration_minutes integer, amount_cents integer,
               currency text, due_date date, patient_name text, patient_email text, created_at timestamptz, event jsonb)),
      new_invoice as (
        insert into invoices (id, appointment_id, account_id, patient_id, doctor_id, specialty, duration_minutes, amount_cents, currency,
                              due_date, patient_name, patient_email, created_at, updated_at)
        select w.id, w.appointment_id, a.id, w.patient_id, w.doctor_id, w.specialty, w.duration_minutes, w.amount_cents, w.currency,
               w.due_date, w.patient_name, w.patient_email, w.created_at, w.created_at
        from wanted_invoice w join account a using (patient_id)
        on conflict (appointment_id) do nothing
        returning id, account_id),
      events as (${eventsOfInserted(['new_account', 'wanted_account'], ['new_invoice', 'wanted_invoice'])})
      select id, account_id, null::uuid as unbilled_patient from new_invoice
      union all
      select null, null, w.patient_id from wanted_account w where not exists (select 1 from account a where a.patient_id = w.patient_id)`);
    for (const row of rows) if (row.id && row.account_id) generated.set(row.id, row.account_id);
    unbilled = rows.flatMap((row) => (row.unbilled_patient ? [row.unbilled_patient] : []));
    if (unbilled.length === 0) break;
  }
  return { generated, unbilled };
}

export async function findInvoice(db: Executor, id: string): Promise<InvoiceRow | undefined> {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, id)).limit(1);
  return row;
}

export async function findInvoiceByAppointment(db: Executor, appointmentId: string): Promise<InvoiceRow | undefined> {
  const [row] = await db.select().from(invoices).where(eq(invoices.appointmentId, appointmentId)).limit(1);
  return row;
}

const stillPending = eq(invoices.status, 'PENDING');

/** PENDING → PAID in one statement: two concurrent payments cannot both succeed. */
export async function markPaid(db: Executor, id: string, method: PayInvoiceBody['method']): Promise<InvoiceRow | undefined> {
  const [row] = await db
    .update(invoices)
    .set({ status: 'PAID', paymentMethod: method, paidAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(invoices.id, id), stillPending))
    .returning();
  return row;
}

/** PENDING → VOID for many appointments' invoices in one statement, each with its reason; the ones voided come back. */
export async function voidPendingMany(db: Executor, reasons: Map<string, string>): Promise<InvoiceRow[]> {
  if (reasons.size === 0) return [];
  const given = JSON.stringify([...reasons].map(([appointmentId, reason]) => ({ appointment_id: appointmentId, reason })));
  return db
    .update(invoices)
    .set({
      status: 'VOID',
      voidReason: sql`(select r.reason from jsonb_to_recordset(${given}::jsonb) as r(appointment_id uuid, reason text) where r.appointment_id = ${invoices.appointmentId})`,
      voidedAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(inArray(invoices.appointmentId, [...reasons.keys()]), stillPending))
    .returning();
}

/** New duration, amount and due date of a still PENDING invoice; undefined when there is none pending. */
export async function repricePending(
  db: Executor,
  appointmentId: string,
  change: Pick<InvoiceRow, 'durationMinutes' | 'amountCents' | 'dueDate'>,
): Promise<InvoiceRow | undefined> {
  const [row] = await db
    .update(invoices)
    .set({ ...change, updatedAt: sql`now()` })
    .where(and(eq(invoices.appointmentId, appointmentId), stillPending))
    .returning();
  return row;
}

export interface InvoiceFilter {
  patientId?: string;
  /** Any of these. */
  statuses?: readonly InvoiceStatus[];
  limit: number;
  offset: number;
}

/** One page, newest first, and the total of the whole filtered list. */
export async function listInvoices(db: Executor, filter: InvoiceFilter): Promise<{ rows: InvoiceRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.patientId) conditions.push(eq(invoices.patientId, filter.patientId));
  if (filter.statuses) conditions.push(inArray(invoices.status, [...filter.statuses]));
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(invoices)
      .where(where)
      .orderBy(desc(invoices.createdAt), desc(invoices.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ total: count() }).from(invoices).where(where),
  ]);
  return { rows, total: counted?.total ?? 0 };
}
