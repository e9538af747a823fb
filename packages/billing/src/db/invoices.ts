import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { InvoiceStatus, PayInvoiceBody } from '@pms/contracts';
import type { Executor } from './database.js';
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

/** PENDING → VOID for the appointment's invoice; undefined when there is none pending. */
export async function voidPending(db: Executor, appointmentId: string, reason: string): Promise<InvoiceRow | undefined> {
  const [row] = await db
    .update(invoices)
    .set({ status: 'VOID', voidReason: reason, voidedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(invoices.appointmentId, appointmentId), stillPending))
    .returning();
  return row;
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
  status?: InvoiceStatus;
  limit: number;
  offset: number;
}

/** One page, newest first, and the total of the whole filtered list. */
export async function listInvoices(db: Executor, filter: InvoiceFilter): Promise<{ rows: InvoiceRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (filter.patientId) conditions.push(eq(invoices.patientId, filter.patientId));
  if (filter.status) conditions.push(eq(invoices.status, filter.status));
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
