-- Duplicates and merges (issue 23). A merged duplicate stays as a tombstone (merged_into set),
-- keeping its original fields; only live records (merged_into null) hold an email uniquely.
ALTER TYPE "audit_action" ADD VALUE IF NOT EXISTS 'MERGE';--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "related_patient_id" uuid;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "merged_at" timestamp with time zone;--> statement-breakpoint
-- Email and phone as duplicates compare them: "+tags" and Gmail's dots dropped; the last nine
-- digits of a phone number, so +41 79 123 45 67 and 079 123 45 67 are one number.
ALTER TABLE "patients" ADD COLUMN "email_key" text GENERATED ALWAYS AS (
  CASE WHEN lower(split_part("email", '@', 2)) IN ('gmail.com', 'googlemail.com')
    THEN replace(regexp_replace(lower(split_part("email", '@', 1)), '\+.*$', ''), '.', '') || '@gmail.com'
    ELSE regexp_replace(lower(split_part("email", '@', 1)), '\+.*$', '') || '@' || lower(split_part("email", '@', 2)) END) STORED;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "phone_key" text GENERATED ALWAYS AS (
  right(nullif(regexp_replace(coalesce("phone", ''), '[^0-9]', '', 'g'), ''), 9)) STORED;--> statement-breakpoint
DROP INDEX "patients_email_lower_key";--> statement-breakpoint
CREATE UNIQUE INDEX "patients_email_lower_key" ON "patients" USING btree (lower("email")) WHERE "merged_into" IS NULL;--> statement-breakpoint
CREATE INDEX "patients_email_key_idx" ON "patients" USING btree ("email_key") WHERE "merged_into" IS NULL;--> statement-breakpoint
CREATE INDEX "patients_phone_key_idx" ON "patients" USING btree ("phone_key") WHERE "merged_into" IS NULL;--> statement-breakpoint
CREATE INDEX "patients_merged_into_idx" ON "patients" USING btree ("merged_into") WHERE "merged_into" IS NOT NULL;--> statement-breakpoint
-- Pairs staff marked "not a duplicate", smaller id first: never suggested again.
CREATE TABLE "not_duplicates" (
	"first_id" uuid NOT NULL,
	"second_id" uuid NOT NULL,
	"marked_by" text NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "not_duplicates_pkey" PRIMARY KEY ("first_id", "second_id"),
	CONSTRAINT "not_duplicates_order_check" CHECK ("first_id" < "second_id")
);
