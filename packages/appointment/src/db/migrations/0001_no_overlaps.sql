-- The database, not a read-then-write check, refuses overlapping active appointments:
-- however many bookings race, at most one of them commits for a doctor's time range, and a
-- patient cannot be in two places at once. Cancelled, completed and no-show appointments
-- leave the constraint (WHERE clause), so cancelling frees the slot at commit.
-- Ranges are half-open [starts_at, ends_at): back-to-back appointments do not overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_doctor_no_overlap"
  EXCLUDE USING gist ("doctor_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&)
  WHERE ("status" IN ('BOOKED', 'CHECKED_IN'));
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_patient_no_overlap"
  EXCLUDE USING gist ("patient_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&)
  WHERE ("status" IN ('BOOKED', 'CHECKED_IN'));
