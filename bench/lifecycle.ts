// Load for the lifecycle after a booking (issue 20): reschedule and cancel the appointments the
// booking scenario made, each once, through the gateway.
import type autocannon from 'autocannon';
import type { BenchFixture } from './setup.js';

export interface Booked {
  id: string;
  startsAt: string;
}

/** Every BOOKED appointment of the fixture's doctors. */
export async function bookedAppointments(fixture: BenchFixture): Promise<Booked[]> {
  const booked: Booked[] = [];
  for (const doctorId of fixture.doctorIds) {
    for (let page = 1; ; page++) {
      const { body } = await fixture.api.get(`/api/appointments?doctorId=${doctorId}&status=BOOKED&pageSize=100&page=${page}`, fixture.adminToken);
      booked.push(...(body.items as Booked[]).map(({ id, startsAt }) => ({ id, startsAt })));
      if (page * 100 >= body.total) break;
    }
  }
  return booked;
}

// 150 five-minute slots later: past every slot the booking scenario can have used (it fills
// slots doctor by doctor, fewer than 150 each for under 7,500 bookings), so no move collides.
const moveByMs = 150 * 5 * 60_000;

/** One request per appointment, `amount` of them in all (autocannon stops when they are done). */
function eachOnce(appointments: Booked[], request: (appointment: Booked) => { path: string; body: string }): Partial<autocannon.Options> {
  let next = 0;
  return {
    amount: appointments.length,
    requests: [
      {
        method: 'POST',
        setupRequest: (base) => ({ ...base, ...request(appointments[next++ % appointments.length]!) }),
      },
    ],
  };
}

export const reschedules = (appointments: Booked[]) =>
  eachOnce(appointments, ({ id, startsAt }) => ({
    path: `/api/appointments/${id}/reschedule`,
    body: JSON.stringify({ startsAt: new Date(Date.parse(startsAt) + moveByMs).toISOString() }),
  }));

export const cancellations = (appointments: Booked[]) =>
  eachOnce(appointments, ({ id }) => ({ path: `/api/appointments/${id}/cancel`, body: JSON.stringify({ reason: 'bench' }) }));
