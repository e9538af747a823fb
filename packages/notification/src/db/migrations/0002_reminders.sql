CREATE TYPE "public"."reminder_status" AS ENUM('SCHEDULED', 'QUEUED', 'SKIPPED');--> statement-breakpoint
CREATE TABLE "patient_contacts" (
	"patient_id" uuid PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"email_allowed" boolean NOT NULL,
	"sms_allowed" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"appointment_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"offset_seconds" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"appointment" jsonb NOT NULL,
	"status" "reminder_status" DEFAULT 'SCHEDULED' NOT NULL,
	"queued_at" timestamp with time zone,
	CONSTRAINT "reminders_appointment_offset_start_key" UNIQUE("appointment_id","offset_seconds","starts_at")
);
--> statement-breakpoint
CREATE INDEX "reminders_due_idx" ON "reminders" USING btree ("due_at") WHERE "reminders"."status" = 'SCHEDULED';