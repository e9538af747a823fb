-- Merged patients (issue 23): a row written for a merged duplicate is written for its survivor
-- (platform's redirect_merged_patient, waiting while a merge of that patient is applied), so a
-- booking racing the merge lands on the survivor, where the exclusion constraint judges it.
CREATE TRIGGER "appointments_follow_patient_merges" BEFORE INSERT OR UPDATE OF "patient_id" ON "appointments"
	FOR EACH ROW EXECUTE FUNCTION redirect_merged_patient();--> statement-breakpoint
CREATE TRIGGER "waitlist_entries_follow_patient_merges" BEFORE INSERT OR UPDATE OF "patient_id" ON "waitlist_entries"
	FOR EACH ROW EXECUTE FUNCTION redirect_merged_patient();
