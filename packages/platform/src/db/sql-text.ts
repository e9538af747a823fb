/**
 * A timestamptz column as text the way JS's toISOString() writes it (UTC, milliseconds), for
 * event data a statement builds itself: consumers parse it with the same schema as an event built
 * in JS.
 */
export const isoInstantSql = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
