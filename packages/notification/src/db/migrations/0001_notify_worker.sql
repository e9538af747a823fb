-- Wakes the delivery worker (LISTEN notifications) when the inserting transaction commits;
-- PostgreSQL folds repeated notifications of one transaction into one.
CREATE FUNCTION "notifications_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('notifications', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "notifications_notify" AFTER INSERT ON "notifications" FOR EACH STATEMENT EXECUTE FUNCTION "notifications_notify"();
