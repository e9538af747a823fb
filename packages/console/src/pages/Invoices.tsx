import { Button, Group, Modal, NativeSelect, Stack } from '@mantine/core';
import { invoiceStatuses, PaymentMethod, type Invoice } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { describeError } from '../api/errors.js';
import { useApi } from '../api/session.js';
import { FormAlert } from '../components/FormAlert.js';
import { InvoiceTable } from '../components/InvoiceTable.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientLink } from '../components/PatientLink.js';
import { PatientPicker } from '../components/PatientPicker.js';
import { useInvoices, refreshAfterWrite } from '../lib/queries.js';
import { money } from '../lib/time.js';

const PAGE_SIZE = 20;

export default function Invoices() {
  const api = useApi();
  const queries = useQueryClient();
  // Filters live in the URL: a link (or a reload) shows the same list.
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const patientId = params.get('patient') ?? '';
  const page = Number(params.get('page') ?? 1);
  const filter = (patch: Record<string, string>) =>
    setParams((current) => Object.fromEntries(Object.entries({ ...Object.fromEntries(current), page: '1', ...patch }).filter(([, v]) => v)));
  const setPage = (next: number) => filter({ page: String(next) });
  const [paying, setPaying] = useState<Invoice>();
  const [method, setMethod] = useState<string>('CARD');
  const [error, setError] = useState<string>();
  const invoices = useInvoices({ status, patientId, page, pageSize: PAGE_SIZE });

  const pay = async () => {
    if (!paying) return;
    setError(undefined);
    try {
      await api.post(`/api/billing/invoices/${paying.id}/pay`, { method: PaymentMethod.parse(method) });
      await refreshAfterWrite(queries, ['invoices']);
      setPaying(undefined);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <>
      <PageTitle title="Invoices" />
      <Group align="flex-end" mb="md">
        <NativeSelect
          label="Status"
          value={status}
          onChange={(e) => filter({ status: e.currentTarget.value })}
          data={[{ value: '', label: 'Any' }, ...invoiceStatuses]}
        />
        <PatientPicker value={patientId} onChange={(id) => filter({ patient: id })} />
      </Group>
      <InvoiceTable
        items={invoices.data?.items ?? []}
        extra={[
          { header: 'Patient', cell: (invoice) => <PatientLink id={invoice.patientId} /> },
          {
            header: 'Actions',
            cell: (invoice) =>
              invoice.status === 'PENDING' && (
                <Button size="compact-xs" onClick={() => setPaying(invoice)}>
                  Pay
                </Button>
              ),
          },
        ]}
        paging={{ page, pageSize: PAGE_SIZE, total: invoices.data?.total ?? 0, onPage: setPage, noun: ['invoice', 'invoices'] }}
      />
      <Modal opened={Boolean(paying)} onClose={() => setPaying(undefined)} title={paying ? `Pay ${money(paying.amountCents, paying.currency)}` : ''}>
        <Stack>
          <FormAlert message={error} />
          <NativeSelect label="Payment method" value={method} onChange={(e) => setMethod(e.currentTarget.value)} data={PaymentMethod.options} />
          <Button onClick={() => void pay()}>Record payment</Button>
        </Stack>
      </Modal>
    </>
  );
}
