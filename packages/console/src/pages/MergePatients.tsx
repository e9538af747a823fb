import { Alert, Anchor, Button, Group, Loader, Modal, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { mergeableFields, PatientMergeBody, type Appointment, type MergeableField, type Patient, type PatientMergeResult } from '@pms/contracts/http';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { MergeRecordCard } from '../components/MergeRecordCard.js';
import { MergeRefusal } from '../components/MergeRefusal.js';
import { PageTitle } from '../components/PageTitle.js';
import { fieldLabels, fieldValue, refreshDuplicates, type JustMerged } from '../lib/duplicates.js';
import { refreshAfterWrite, useAppointments, useDoctors, useInvoices, usePatient } from '../lib/queries.js';
import { dateTimeIn } from '../lib/time.js';
import { useAction } from '../lib/useAction.js';

type Side = 0 | 1;

/** Both records side by side: which one survives, and for each field whose value it keeps. */
function MergeForm({ records }: { records: [Patient, Patient] }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const doctors = useDoctors();
  const appointments = [useAppointments({ patientId: records[0].id }), useAppointments({ patientId: records[1].id })].map((page) => page.data?.items ?? []);
  const invoices = [useInvoices({ patientId: records[0].id, pageSize: 1 }), useInvoices({ patientId: records[1].id, pageSize: 1 })].map((page) => page.data?.total ?? 0);
  const [survivor, setSurvivor] = useState<Side>(0);
  // A field nobody picked keeps the survivor's value, whichever record that is.
  const [picks, setPicks] = useState<Partial<Record<MergeableField, Side>>>({});
  const [confirming, setConfirming] = useState(false);
  const merge = useAction();
  const pickOf = (field: MergeableField) => picks[field] ?? survivor;
  const kept = records[survivor];
  const duplicate = records[survivor === 0 ? 1 : 0];

  const describe = (appointment: Appointment) => {
    const doctor = doctors.data?.items.find((candidate) => candidate.id === appointment.doctorId);
    return `${dateTimeIn(appointment.startsAt, doctor?.timeZone)} with ${doctor?.name ?? 'a doctor'}`;
  };
  const describeById = (appointmentId: string) => {
    const side = appointments.findIndex((items) => items.some((appointment) => appointment.id === appointmentId));
    const appointment = appointments[side]?.find((candidate) => candidate.id === appointmentId);
    return appointment && `${records[side]!.name}'s appointment on ${describe(appointment)}`;
  };

  const send = () =>
    merge.run(async () => {
      const keep = Object.fromEntries(mergeableFields.map((field) => [field, pickOf(field) === survivor ? 'survivor' : 'duplicate']));
      const result = await api.post<PatientMergeResult>(`/api/patients/${kept.id}/merge`, PatientMergeBody.parse({ duplicateId: duplicate.id, keep }));
      queries.setQueryData(['patient', kept.id], result.survivor);
      const state: JustMerged = { merged: { name: duplicate.name, appointmentsMoved: result.appointmentsMoved } };
      void navigate(`/patients/${kept.id}`, { state });
      // Read again, the duplicate's id answers as the survivor; the survivor's lists hold both records' rows.
      queries.removeQueries({ queryKey: ['patient', duplicate.id] });
      await refreshAfterWrite(queries, ['patients'], ['appointments'], ['invoices'], ['audit']);
      await refreshDuplicates(queries);
    });

  return (
    <Stack maw={960}>
      <Text c="dimmed" size="sm">
        Choose the record to keep and, field by field, the value it keeps. The other record becomes a tombstone that opens as the kept one; its
        appointments, invoices and notifications move over. A merge cannot be undone here.
      </Text>
      <MergeRefusal failure={merge.failure} describe={describeById} />
      <Radio.Group label="Record to keep" value={String(survivor)} onChange={(value) => setSurvivor(value === '1' ? 1 : 0)}>
        <SimpleGrid cols={2} mt="xs">
          {records.map((record, side) => (
            <MergeRecordCard key={record.id} patient={record} value={String(side)} kept={side === survivor} appointments={appointments[side] ?? []} invoices={invoices[side] ?? 0} describe={describe} />
          ))}
        </SimpleGrid>
      </Radio.Group>
      {mergeableFields.map((field) => (
        <Radio.Group key={field} label={fieldLabels[field]} value={String(pickOf(field))} onChange={(value) => setPicks({ ...picks, [field]: value === '1' ? 1 : 0 })}>
          <SimpleGrid cols={2} mt={4}>
            {records.map((record, side) => (
              <Radio key={record.id} value={String(side)} label={fieldValue(record, field)} />
            ))}
          </SimpleGrid>
        </Radio.Group>
      ))}
      <Group justify="flex-end">
        <Button color="red" loading={merge.busy} onClick={() => setConfirming(true)}>
          Merge records
        </Button>
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Merge these records?">
        <Text size="sm" mb="md">
          {duplicate.name} ({duplicate.email}) is merged into {kept.name} ({kept.email}) and becomes a tombstone.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            color="red"
            onClick={() => {
              setConfirming(false);
              void send();
            }}
          >
            Merge into {kept.name}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

/** The merge screen of a pair (staff, admin): `/patients/:id/merge/:otherId` proposes :id as the record to keep. */
export default function MergePatients() {
  const { id, otherId } = useParams();
  const first = usePatient(id);
  const second = usePatient(otherId);
  const body = () => {
    if (first.isPending || second.isPending) return <Loader aria-label="Loading" />;
    if (first.isError || second.isError) return <Alert color="red" role="alert">{describeError(first.error ?? second.error)}</Alert>;
    // Reading a tombstone answers its survivor: this pair was merged already.
    const tombstone = [first.data, second.data].find((record) => record.redirectedFrom);
    if (tombstone) {
      return (
        <Alert color="blue" title="Merged already" role="status">
          Record {tombstone.redirectedFrom} was merged into <Anchor component={Link} to={`/patients/${tombstone.id}`}>{tombstone.name}</Anchor>.
        </Alert>
      );
    }
    // Keyed by the pair: another pair's screen starts with its own choices.
    return <MergeForm key={`${id}/${otherId}`} records={[first.data, second.data]} />;
  };
  return (
    <>
      <PageTitle title="Merge records" />
      {body()}
    </>
  );
}
