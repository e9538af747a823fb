/** What the domain needs from billing; the gRPC client adapter lives in src/peers. */
export interface BillingAccounts {
  /** Opens the patient's billing account (idempotent on billing's side); rejects when billing is down or slow. */
  open(account: { patientId: string; name: string; email: string }, requestId: string): Promise<void>;
}

/** Just enough logger for the domain to say why it degraded. */
export interface DomainLogger {
  warn(obj: object, msg?: string): void;
}
