import { usePatient } from '../lib/queries.js';
import { RowLink } from './DataTable.js';

/** A row's patient, by name, linking to their page (rows carry only the id). */
export function PatientLink({ id }: { id: string }) {
  const patient = usePatient(id);
  return <RowLink to={`/patients/${id}`}>{patient.data?.name ?? '…'}</RowLink>;
}
