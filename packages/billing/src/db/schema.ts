import { invoiceStatuses, type PayInvoiceBody, type Specialty } from '@pms/contracts';
import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const invoiceStatus = pgEnum('invoice_status', invoiceStatuses);

/** One account per patient: the unique patient_id makes CreateBillingAccount and PatientCreated idempotent. */
export const billingAccounts = pgTable('billing_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  patientId: uuid('patient_id').notNull().unique('billing_accounts_patient_id_key'),
  name: text('name').notNull(),
  email: text('email').notNull(),
  status: text('status').notNull().default('ACTIVE'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One invoice per appointment (unique appointment_id), whatever the event delivery does.
 * The patient's name and email are those of the booking, as the invoice was issued to them.
 */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    appointmentId: uuid('appointment_id').notNull().unique('invoices_appointment_id_key'),
    accountId: uuid('account_id')
      .notNull()
      .references(() => billingAccounts.id),
    patientId: uuid('patient_id').notNull(),
    doctorId: uuid('doctor_id').notNull(),
    specialty: text('specialty').$type<Specialty>().notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    status: invoiceStatus('status').notNull().default('PENDING'),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    patientName: text('patient_name').notNull(),
    patientEmail: text('patient_email').notNull(),
    paymentMethod: text('payment_method').$type<PayInvoiceBody['method']>(),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // A patient's invoices, newest first (the list endpoint's main query).
    index('invoices_patient_created_idx').on(table.patientId, table.createdAt.desc(), table.id),
    index('invoices_status_created_idx').on(table.status, table.createdAt.desc()),
    check('invoices_amount_check', sql`${table.amountCents} >= 0 and ${table.durationMinutes} > 0`),
    check('invoices_payment_method_check', sql`${table.paymentMethod} in ('CARD', 'CASH', 'INSURANCE')`),
    // A PAID invoice always says how and when; no other status carries a payment.
    check(
      'invoices_payment_check',
      sql`(${table.status} = 'PAID') = (${table.paidAt} is not null and ${table.paymentMethod} is not null)`,
    ),
  ],
);

export type AccountRow = typeof billingAccounts.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
