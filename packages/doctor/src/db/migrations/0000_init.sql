CREATE TYPE "public"."specialty" AS ENUM('GENERAL_PRACTICE', 'CARDIOLOGY', 'DERMATOLOGY', 'PEDIATRICS', 'ORTHOPEDICS', 'NEUROLOGY', 'PSYCHIATRY', 'GYNECOLOGY');--> statement-breakpoint
CREATE TABLE "booked_slots" (
	"appointment_id" uuid PRIMARY KEY NOT NULL,
	"doctor_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booked_slots_period_check" CHECK ("booked_slots"."starts_at" < "booked_slots"."ends_at")
);
--> statement-breakpoint
CREATE TABLE "doctors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text,
	"specialty" "specialty" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"slot_minutes" integer DEFAULT 30 NOT NULL,
	"working_hours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doctors_slot_minutes_check" CHECK ("doctors"."slot_minutes" between 5 and 240)
);
--> statement-breakpoint
CREATE TABLE "time_off" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"doctor_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "time_off_period_check" CHECK ("time_off"."starts_at" < "time_off"."ends_at")
);
--> statement-breakpoint
ALTER TABLE "time_off" ADD CONSTRAINT "time_off_doctor_id_doctors_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."doctors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "booked_slots_doctor_ends_idx" ON "booked_slots" USING btree ("doctor_id","ends_at") WHERE "booked_slots"."released_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "doctors_email_lower_key" ON "doctors" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "doctors_name_idx" ON "doctors" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "time_off_doctor_ends_idx" ON "time_off" USING btree ("doctor_id","ends_at");