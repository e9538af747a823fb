-- The W3C traceparent of the request or event that wrote the row; the relay sends it as a Kafka header.
ALTER TABLE "outbox" ADD COLUMN "traceparent" text;
