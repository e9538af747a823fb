/** What a merge needs from appointment; the HTTP adapter lives in src/peers. */
export interface AppointmentMerges {
  /**
   * appointment moves the duplicate's appointments to the survivor, or refuses (409
   * APPOINTMENTS_OVERLAP naming the clashes) with nothing moved. Idempotent: a second call moves
   * nothing more. `authorization` is the caller's own bearer token: appointment checks the role itself.
   */
  move(merge: { survivorId: string; duplicateId: string }, caller: { requestId: string; authorization: string }): Promise<{ moved: number }>;
}
