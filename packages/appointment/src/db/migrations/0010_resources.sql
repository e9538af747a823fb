-- Rooms and devices booked with the doctor (issue 22). Each appointment names the resources it
-- holds (`resources`, a snapshot for reads and events); a trigger keeps one reservation row per
-- held resource unit for the doctor's blocked range (buffers included), and an exclusion
-- constraint per resource unit refuses any overlap however many bookings race. Cancelling,
-- completing or a no-show drop the reservations in the same statement; a reschedule moves them.
ALTER TABLE "appointment_types" ADD COLUMN "required_resources" jsonb DEFAULT '[]'::jsonb NOT NULL;
--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "location_id" uuid;
--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "resources" jsonb DEFAULT '[]'::jsonb NOT NULL;
--> statement-breakpoint
CREATE TABLE "resource_reservations" (
	"appointment_id" uuid NOT NULL REFERENCES "appointments"("id") ON DELETE CASCADE,
	"resource_id" uuid NOT NULL,
	"unit" integer NOT NULL,
	"blocked_from" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone NOT NULL,
	PRIMARY KEY ("appointment_id", "resource_id", "unit")
);
--> statement-breakpoint
ALTER TABLE "resource_reservations" ADD CONSTRAINT "resource_reservations_no_overlap"
  EXCLUDE USING gist ("resource_id" WITH =, "unit" WITH =, tstzrange("blocked_from", "blocked_until") WITH &&);
--> statement-breakpoint
CREATE FUNCTION "sync_resource_reservations"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM "resource_reservations" WHERE "appointment_id" = OLD."id";
  END IF;
  IF NEW."status" IN ('BOOKED', 'CHECKED_IN') THEN
    INSERT INTO "resource_reservations" ("appointment_id", "resource_id", "unit", "blocked_from", "blocked_until")
    SELECT NEW."id", (r->>'resourceId')::uuid, (r->>'unit')::int, NEW."doctor_blocked_from", NEW."doctor_blocked_until"
    FROM jsonb_array_elements(NEW."resources") AS r;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "appointments_reserve_resources" AFTER INSERT ON "appointments"
  FOR EACH ROW WHEN (NEW."resources" <> '[]'::jsonb) EXECUTE FUNCTION "sync_resource_reservations"();
--> statement-breakpoint
CREATE TRIGGER "appointments_move_resources" AFTER UPDATE OF "status", "doctor_blocked_from", "doctor_blocked_until", "resources" ON "appointments"
  FOR EACH ROW WHEN (OLD."resources" <> '[]'::jsonb OR NEW."resources" <> '[]'::jsonb) EXECUTE FUNCTION "sync_resource_reservations"();
