import { IdParams, Patient, PatientInput, PatientListQuery, PatientOwnerBody, PatientPage } from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import { createPatient, deletePatient, linkPatientOwner, listPatients, readPatient, updatePatient } from '../domain/patients.js';
import type { PatientContext } from '../domain/context.js';

const tags = ['patients'];

export function patientRoutes(app: ServiceInstance, ctx: PatientContext) {

  app.get(
    '/api/patients',
    {
      schema: {
        tags,
        summary: 'List patients (staff, admin, doctor; a patient user sees only their own record)',
        querystring: PatientListQuery,
        response: { 200: PatientPage },
      },
    },
    async (request) => listPatients(ctx, actorOf(request), request.query),
  );

  app.post(
    '/api/patients',
    {
      schema: {
        tags,
        summary: 'Register a patient (staff, admin, or a patient user for themselves)',
        description:
          '201 with the new record. A patient user must have verified their email (403 EMAIL_NOT_VERIFIED otherwise); ' +
          'one whose email matches an existing unlinked record claims it instead: 200 with that record.',
        body: PatientInput,
        response: { 200: Patient, 201: Patient },
      },
    },
    async (request, reply) => {
      const { patient, claimed } = await createPatient(ctx, actorOf(request), request.body);
      return reply.code(claimed ? 200 : 201).send(patient);
    },
  );

  app.get(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: 'Read a patient (a patient user only their own record: 404 for any other)',
        params: IdParams,
        response: { 200: Patient },
      },
    },
    async (request) => readPatient(ctx, actorOf(request), request.params.id),
  );

  app.put(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: 'Replace a patient record (staff, admin, or the patient user who owns it)',
        params: IdParams,
        body: PatientInput,
        response: { 200: Patient },
      },
    },
    async (request) => updatePatient(ctx, actorOf(request), request.params.id, request.body),
  );

  app.put(
    '/api/patients/:id/owner',
    {
      schema: {
        tags,
        summary: 'Link the record to a user account, or unlink it with null (staff, admin)',
        params: IdParams,
        body: PatientOwnerBody,
        response: { 200: Patient },
      },
    },
    async (request) => linkPatientOwner(ctx, actorOf(request), request.params.id, request.body.userId),
  );

  app.delete(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: 'Delete a patient record (staff, admin)',
        params: IdParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await deletePatient(ctx, actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
