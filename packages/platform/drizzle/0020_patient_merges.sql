-- Merged patients (issue 23), in every service database: the duplicate → survivor map a service
-- applied from PatientMerged (or, in appointment, while the merge is made), so a row written
-- later for the duplicate lands on the survivor. Events of other topics can arrive after the
-- merge (appointment-events are not ordered with patient-events); they are redirected here.
CREATE TABLE IF NOT EXISTS "patient_merges" (
	"duplicate_id" uuid PRIMARY KEY NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "patient_merges_survivor_idx" ON "patient_merges" ("survivor_id");
--> statement-breakpoint
-- The patient an id stands for now. The shared advisory lock makes it wait while a merge of that
-- id is being applied (begin_patient_merge holds it exclusively until its transaction ends), and
-- the lookup after the lock is a new statement, so it sees that merge once committed; a writer
-- holds the lock to its commit, so a merge applied after it finds (and moves) what it wrote.
CREATE OR REPLACE FUNCTION "merged_patient"("patient" uuid) RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "survivor" uuid;
BEGIN
  IF "patient" IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(hashtextextended('patient-merge:' || "patient"::text, 0));
  SELECT m."survivor_id" INTO "survivor" FROM "patient_merges" m WHERE m."duplicate_id" = "patient";
  RETURN coalesce("survivor", "patient");
END;
$$;
--> statement-breakpoint
-- A BEFORE INSERT OR UPDATE OF patient_id trigger: the row is written for the survivor.
CREATE OR REPLACE FUNCTION "redirect_merged_patient"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."patient_id" := merged_patient(NEW."patient_id");
  RETURN NEW;
END;
$$;
--> statement-breakpoint
-- Holds a patient's merge lock exclusively to the end of the transaction: writers of its rows
-- (merged_patient) wait until then.
CREATE OR REPLACE FUNCTION "lock_patient_for_merge"("patient" uuid) RETURNS void LANGUAGE sql VOLATILE AS $$
  SELECT pg_advisory_xact_lock(hashtextextended('patient-merge:' || "patient"::text, 0));
$$;
--> statement-breakpoint
-- Records a merge, holding the duplicate's lock to the end of the transaction (writers of its rows
-- wait, then write for the survivor). Earlier merges into the duplicate now lead to the survivor.
-- True when the merge is new here, false when it was applied already.
CREATE OR REPLACE FUNCTION "begin_patient_merge"("duplicate" uuid, "survivor" uuid) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "inserted" integer;
BEGIN
  PERFORM lock_patient_for_merge("duplicate");
  UPDATE "patient_merges" SET "survivor_id" = "survivor" WHERE "survivor_id" = "duplicate";
  INSERT INTO "patient_merges" ("duplicate_id", "survivor_id") VALUES ("duplicate", "survivor") ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS "inserted" = ROW_COUNT;
  RETURN "inserted" > 0;
END;
$$;
