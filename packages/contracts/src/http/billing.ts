import { z } from 'zod';
import { isoDate, isoDateTime, PageQuery, pageOf, uuid } from '../common.js';
import { PaymentMethod } from '../events/payloads.js';
import { Specialty } from './doctor.js';

export const BillingAccount = z
  .object({ id: uuid, patientId: uuid, name: z.string(), email: z.string(), status: z.string(), createdAt: isoDateTime })
  .meta({ id: 'BillingAccount' });

export const invoiceStatuses = ['PENDING', 'PAID', 'VOID'] as const;
export const InvoiceStatus = z.enum(invoiceStatuses);

export const Invoice = z
  .object({
    id: uuid,
    appointmentId: uuid,
    patientId: uuid,
    doctorId: uuid,
    specialty: Specialty,
    amountCents: z.number().int(),
    currency: z.string(),
    status: InvoiceStatus,
    dueDate: isoDate,
    paymentMethod: PaymentMethod.nullable(),
    paidAt: isoDateTime.nullable(),
    createdAt: isoDateTime,
  })
  .meta({ id: 'Invoice' });

export const PatientIdParams = z.object({ patientId: uuid });
export const InvoiceListQuery = PageQuery.extend({ patientId: uuid.optional(), status: InvoiceStatus.optional() });
export const InvoicePage = pageOf(Invoice);
export const PayInvoiceBody = z.object({ method: PaymentMethod });

export type BillingAccount = z.infer<typeof BillingAccount>;
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;
export type Invoice = z.infer<typeof Invoice>;
export type InvoiceListQuery = z.infer<typeof InvoiceListQuery>;
export type InvoicePage = z.infer<typeof InvoicePage>;
export type PayInvoiceBody = z.infer<typeof PayInvoiceBody>;
