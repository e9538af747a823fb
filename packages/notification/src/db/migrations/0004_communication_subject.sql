ALTER TABLE "notifications" ADD COLUMN "patient_id" uuid;--> statement-breakpoint
ALTER TABLE "patient_contacts" ADD COLUMN "owner_user_id" uuid;--> statement-breakpoint
CREATE INDEX "notifications_patient_idx" ON "notifications" USING btree ("patient_id","created_at") WHERE "notifications"."patient_id" is not null;--> statement-breakpoint
-- Messages logged before patient_id existed: the patient whose contact email they went to, where
-- exactly one patient has that email; only messages about a patient (not account or manual emails).
UPDATE "notifications" n SET "patient_id" = c."patient_id"
FROM "patient_contacts" c
WHERE n."patient_id" IS NULL
  AND n."channel" = 'EMAIL'
  AND n."type" IN ('AppointmentBooked', 'AppointmentCancelled', 'AppointmentRescheduled', 'InvoiceGenerated', 'PatientCreated', 'WaitlistSlotOffered', 'AppointmentReminder')
  AND lower(n."recipient") = lower(c."email")
  AND (SELECT count(*) FROM "patient_contacts" o WHERE lower(o."email") = lower(c."email")) = 1;
