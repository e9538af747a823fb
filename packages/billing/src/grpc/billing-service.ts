import { billingGrpc, events } from '@pms/contracts';
import { unary } from '@pms/platform';
import type { BillingAccounts } from '../domain/accounts.js';

// The request fields must make a valid BillingAccountCreated payload, so they are checked like one.
const CreateRequest = events.BillingAccountCreated.pick({ patientId: true, name: true, email: true });
const GetRequest = events.BillingAccountCreated.pick({ patientId: true });

/** billing.v1.BillingService: thin, every rule lives in the domain. A bad field is INVALID_ARGUMENT. */
export function billingService(accounts: BillingAccounts): billingGrpc.BillingServiceServer {
  return {
    createBillingAccount: unary(async (request, { requestId }) =>
      accounts.open(CreateRequest.parse(request), requestId),
    ),
    getBillingAccount: unary(async (request) => ({ account: await accounts.get(GetRequest.parse(request).patientId) })),
  };
}
