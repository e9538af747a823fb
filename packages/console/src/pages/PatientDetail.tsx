import { Alert, Button, Card, Grid, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import type { AuditEntry, Patient, PatientInput } from '@pms/contracts/http';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { describeError } from '../api/errors.js';
import { isStaff, useSession } from '../api/session.js';
import { AccountLink } from '../components/AccountLink.js';
import { ActorName } from '../components/ActorName.js';
import { AppointmentTable } from '../components/AppointmentTable.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ExportRecord } from '../components/ExportRecord.js';
import { InvoiceTable } from '../components/InvoiceTable.js';
import { MergeNotice } from '../components/MergeNotice.js';
import { PageTitle } from '../components/PageTitle.js';
import { PatientForm } from '../components/PatientForm.js';
import { PossibleDuplicates } from '../components/PossibleDuplicates.js';
import { useAppointments, useInvoices, usePatient, type Page, refreshAfterWrite } from '../lib/queries.js';
import { dateTimeIn } from '../lib/time.js';

const auditColumns: Column<AuditEntry>[] = [
  { header: 'When', cell: (entry) => dateTimeIn(entry.at) },
  { header: 'Action', cell: (entry) => entry.action },
  { header: 'Role', cell: (entry) => entry.actorRole },
  { header: 'Actor', cell: (entry) => <ActorName id={entry.actorId} /> },
  // MERGE, and a pair marked "not a duplicate": the other record.
  { header: 'Other record', cell: (entry) => entry.relatedPatientId && <Id value={entry.relatedPatientId} /> },
];

function Id({ value }: { value: string }) {
  return (
    <Text size="xs" ff="monospace">
      {value}
    </Text>
  );
}

export default function PatientDetail() {
  const { id } = useParams();
  const patient = usePatient(id);
  if (patient.isPending) return <Loader aria-label="Loading" />;
  if (patient.isError) return <Alert color="red" role="alert">{describeError(patient.error)}</Alert>;
  // Keyed by the record: another patient's page starts with its own state (no edit dialog left open).
  return <PatientRecord key={patient.data.id} record={patient.data} />;
}

/**
 * The record's page. Everything below is asked by the record's own id: opened by a merged
 * record's id, the page shows the survivor, and what moved to it.
 */
function PatientRecord({ record }: { record: Patient }) {
  const { api, claims } = useSession();
  const queries = useQueryClient();
  const [editing, setEditing] = useState(false);
  const appointments = useAppointments({ patientId: record.id }, { enabled: claims?.role !== 'doctor' });
  const invoices = useInvoices({ patientId: record.id, pageSize: 100 }, isStaff(claims));
  const audit = useQuery({
    queryKey: ['audit', record.id],
    queryFn: () => api.get<Page<AuditEntry>>(`/api/patients/audit?patientId=${record.id}&pageSize=50`),
    enabled: claims?.role === 'admin',
  });

  const save = async (input: PatientInput) => {
    const saved = await api.put<Patient>(`/api/patients/${record.id}`, input);
    queries.setQueryData(['patient', record.id], saved);
    await refreshAfterWrite(queries, ['patients']);
    // Opened by a merged record's id, the page reads the survivor under that id.
    if (record.redirectedFrom) await refreshAfterWrite(queries, ['patient', record.redirectedFrom]);
    setEditing(false);
  };

  return (
    <>
      <PageTitle title={record.name}>
        {isStaff(claims) && (
          <Group gap="xs">
            <ExportRecord patientId={record.id} label="Export" fileName={`patient-${record.id}.json`} />
            <Button onClick={() => setEditing(true)}>Edit</Button>
          </Group>
        )}
      </PageTitle>
      <MergeNotice patient={record} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder>
            <Stack gap={4}>
              <Text>
                <b>Email:</b> {record.email}
              </Text>
              <Text>
                <b>Date of birth:</b> {record.dateOfBirth}
              </Text>
              <Text>
                <b>Phone:</b> {record.phone ?? '—'}
              </Text>
              <Text>
                <b>Address:</b> {record.address ?? '—'}
              </Text>
              <Text>
                <b>Billing:</b> {record.billingStatus}
              </Text>
              <Text size="sm" c="dimmed">
                Registered {dateTimeIn(record.registeredAt)}
              </Text>
            </Stack>
          </Card>
          {isStaff(claims) && (
            <Card withBorder mt="md">
              <AccountLink patient={record} />
            </Card>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            {isStaff(claims) && <PossibleDuplicates patientId={record.id} />}
            {claims?.role !== 'doctor' && (
              <section aria-labelledby="appointments-heading">
                <Title order={3} id="appointments-heading" mb="xs">
                  Appointments
                </Title>
                <AppointmentTable items={appointments.data?.items ?? []} />
              </section>
            )}
            {isStaff(claims) && (
              <section aria-labelledby="invoices-heading">
                <Title order={3} id="invoices-heading" mb="xs">
                  Invoices
                </Title>
                <InvoiceTable items={invoices.data?.items ?? []} />
              </section>
            )}
            {claims?.role === 'admin' && (
              <section aria-labelledby="audit-heading">
                <Title order={3} id="audit-heading" mb="xs">
                  Audit trail
                </Title>
                <DataTable label="Audit trail" columns={auditColumns} rows={audit.data?.items ?? []} empty="No entries." />
              </section>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <Modal opened={editing} onClose={() => setEditing(false)} title="Edit patient">
        <PatientForm initial={record} submitLabel="Save" onSubmit={save} />
      </Modal>
    </>
  );
}
