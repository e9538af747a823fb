CREATE TABLE "appointment_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"buffer_before_minutes" integer DEFAULT 0 NOT NULL,
	"buffer_after_minutes" integer DEFAULT 0 NOT NULL,
	"price_cents" integer,
	"specialty" text,
	"active" boolean DEFAULT true NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "appointment_types_minutes_check" CHECK ("appointment_types"."duration_minutes" > 0 and "appointment_types"."buffer_before_minutes" >= 0 and "appointment_types"."buffer_after_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "scheduling_policy" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"minimum_notice_minutes" integer NOT NULL,
	"max_advance_days" integer NOT NULL,
	"patient_cancel_cutoff_hours" integer NOT NULL,
	"patient_reschedule_cutoff_hours" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scheduling_policy_single_row" CHECK ("scheduling_policy"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "waitlist_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"doctor_id" uuid NOT NULL,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"appointment_type_id" uuid,
	"duration_minutes" integer,
	"buffer_before_minutes" integer DEFAULT 0 NOT NULL,
	"buffer_after_minutes" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'WAITING' NOT NULL,
	"patient_name" text NOT NULL,
	"patient_email" text NOT NULL,
	"doctor_name" text NOT NULL,
	"doctor_specialty" text NOT NULL,
	"doctor_time_zone" text NOT NULL,
	"offered_starts_at" timestamp with time zone,
	"offered_ends_at" timestamp with time zone,
	"offer_expires_at" timestamp with time zone,
	"appointment_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "waitlist_status_check" CHECK ("waitlist_entries"."status" in ('WAITING', 'OFFERED', 'BOOKED', 'EXPIRED')),
	CONSTRAINT "waitlist_window_check" CHECK ("waitlist_entries"."window_from" < "waitlist_entries"."window_to")
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "appointment_type_id" uuid;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "buffer_before_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "buffer_after_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "price_cents" integer;--> statement-breakpoint
-- The doctor's blocked range (buffers included) is filled for existing rows, then required.
ALTER TABLE "appointments" ADD COLUMN "doctor_blocked_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "doctor_blocked_until" timestamp with time zone;--> statement-breakpoint
UPDATE "appointments" SET "doctor_blocked_from" = "starts_at", "doctor_blocked_until" = "ends_at";--> statement-breakpoint
ALTER TABLE "appointments" ALTER COLUMN "doctor_blocked_from" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ALTER COLUMN "doctor_blocked_until" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_blocked_range_check" CHECK ("doctor_blocked_from" <= "starts_at" AND "doctor_blocked_until" >= "ends_at");--> statement-breakpoint
-- No two active appointments of a doctor overlap, buffers included (the patient's constraint
-- keeps the bare [starts_at, ends_at): buffers are the doctor's time, not the patient's).
ALTER TABLE "appointments" DROP CONSTRAINT "appointments_doctor_no_overlap";--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_doctor_no_overlap"
  EXCLUDE USING gist ("doctor_id" WITH =, tstzrange("doctor_blocked_from", "doctor_blocked_until") WITH &&)
  WHERE ("status" IN ('BOOKED', 'CHECKED_IN'));--> statement-breakpoint
CREATE INDEX "waitlist_doctor_status_idx" ON "waitlist_entries" USING btree ("doctor_id","status","created_at");--> statement-breakpoint
CREATE INDEX "waitlist_patient_idx" ON "waitlist_entries" USING btree ("patient_id","doctor_id");--> statement-breakpoint
CREATE INDEX "waitlist_offer_expiry_idx" ON "waitlist_entries" USING btree ("offer_expires_at") WHERE "waitlist_entries"."status" = 'OFFERED';--> statement-breakpoint
CREATE INDEX "appointments_series_idx" ON "appointments" USING btree ("series_id") WHERE "appointments"."series_id" is not null;