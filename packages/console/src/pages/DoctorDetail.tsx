import { Alert, Anchor, Divider, Loader, Stack, Text } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { describeError } from '../api/errors.js';
import { useSession } from '../api/session.js';
import { DoctorAccount } from '../components/DoctorAccount.js';
import { PageTitle } from '../components/PageTitle.js';
import { ScheduleEditor } from '../components/ScheduleEditor.js';
import { TimeOffEditor } from '../components/TimeOffEditor.js';
import { useDoctor } from '../lib/queries.js';
import { specialtyLabel } from '../lib/labels.js';

export default function DoctorDetail() {
  const { id } = useParams();
  const { claims } = useSession();
  const doctor = useDoctor(id);
  if (doctor.isPending) return <Loader aria-label="Loading" />;
  if (doctor.isError) return <Alert color="red" role="alert">{describeError(doctor.error)}</Alert>;
  const admin = claims?.role === 'admin';
  return (
    <>
      <PageTitle title={doctor.data.name}>
        <Anchor component={Link} to={`/calendar?doctor=${doctor.data.id}`}>
          Open calendar
        </Anchor>
      </PageTitle>
      <Text mb="md">
        {specialtyLabel(doctor.data.specialty)} · {doctor.data.email} · {doctor.data.timeZone}
      </Text>
      <Stack gap="xl">
        <ScheduleEditor doctorId={doctor.data.id} editable={admin} />
        <Divider />
        <TimeOffEditor owner={`/api/doctors/${doctor.data.id}`} timeZone={doctor.data.timeZone} editable={admin} />
        {admin && (
          <>
            <Divider />
            <DoctorAccount doctor={doctor.data} />
          </>
        )}
      </Stack>
    </>
  );
}
