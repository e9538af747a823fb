import type { billingGrpc } from '@pms/contracts';
import type { GrpcClient } from '@pms/platform';
import type { BillingAccounts } from '../domain/billing.js';

export type BillingClient = GrpcClient<billingGrpc.BillingServiceService>;

/** billing.CreateBillingAccount behind the domain's BillingAccounts port, with the request id in metadata. */
export const billingAccountsOver = (client: BillingClient, deadlineMs: number): BillingAccounts => ({
  async open(account, requestId) {
    await client.call('createBillingAccount', account, { requestId, deadlineMs });
  },
});
