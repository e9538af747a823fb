import { billingGrpc } from '@pms/contracts';
import { createGrpcClient, type GrpcClient } from '@pms/platform';
import type { BillingAccounts } from '../domain/billing.js';

export type BillingClient = GrpcClient<billingGrpc.BillingServiceService>;

export function createBillingClient(address: string, deadlineMs?: number): BillingClient {
  return createGrpcClient(billingGrpc.BillingServiceClient, address, { peerName: 'billing', deadlineMs });
}

/** billing.CreateBillingAccount behind the domain's BillingAccounts port, with the request id in metadata. */
export const billingAccountsOver = (client: BillingClient, deadlineMs: number): BillingAccounts => ({
  async open(account, requestId) {
    await client.call('createBillingAccount', account, { requestId, deadlineMs });
  },
});
