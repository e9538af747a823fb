ALTER TABLE "patients" ADD COLUMN "contact_by_email" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "patients" ADD COLUMN "contact_by_sms" boolean DEFAULT false NOT NULL;