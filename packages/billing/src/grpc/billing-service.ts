import { billingGrpc, events } from '@pms/contracts';
import { unary } from '@pms/platform';
import { getAccount, openAccount } from '../domain/accounts.js';
import type { BillingContext } from '../domain/context.js';

// The request fields must make a valid BillingAccountCreated payload, so they are checked like one.
const CreateRequest = events.BillingAccountCreated.pick({ patientId: true, name: true, email: true });
const GetRequest = events.BillingAccountCreated.pick({ patientId: true });

/** billing.v1.BillingService: thin, every rule lives in the domain. A bad field is INVALID_ARGUMENT. */
export function billingService(ctx: BillingContext): billingGrpc.BillingServiceServer {
  return {
    createBillingAccount: unary(async (request, { requestId }) =>
      openAccount(ctx, CreateRequest.parse(request), requestId),
    ),
    getBillingAccount: unary(async (request) => ({ account: await getAccount(ctx, GetRequest.parse(request).patientId) })),
  };
}
