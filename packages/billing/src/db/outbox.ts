// The outbox write the domain needs, behind ../db like every other table it touches.
export { writeEvent } from '@pms/platform/db';
