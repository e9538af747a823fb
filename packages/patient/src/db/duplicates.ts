import type { DuplicateReason } from '@pms/contracts';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from './database.js';
import type { PatientRow } from './schema.js';
import { auditFrom, fromRaw, type AuditActor, type RawPatient } from './statements.js';

// Possible duplicates are found by PostgreSQL, through indexes: a candidate shares the normalized
// email (patients_email_key_idx) or phone (patients_phone_key_idx), or its name is trigram-similar
// (`%`, pg_trgm's similarity above pg_trgm.similarity_threshold, 0.3, on patients_name_trgm_idx).
// Only live records take part; pairs marked "not a duplicate" never come back.

/** The comparison of `p` and `c`: the facts, the score and the rule a suggestion must meet. */
const compared = sql`
  similarity(c.name, p.name)::float8 as name_similarity,
  c.email_key = p.email_key as same_email,
  coalesce(c.phone_key = p.phone_key, false) as same_phone,
  c.date_of_birth = p.date_of_birth as same_dob`;
const notMarked = sql`not exists (select 1 from not_duplicates n where n.first_id = least(p.id, c.id) and n.second_id = greatest(p.id, c.id))`;
// Same email or phone is a duplicate on its own; a similar name only with the same birth date, or when nearly the same.
const likely = sql`(same_email or same_phone or (name_similarity >= 0.3 and same_dob) or name_similarity >= 0.6)`;
const score = sql`round(least(1, 0.4 * same_email::int + 0.3 * same_phone::int + 0.4 * name_similarity + 0.2 * same_dob::int)::numeric, 3)::float8`;

type RawComparison = {
  name_similarity: number;
  same_email: boolean;
  same_phone: boolean;
  same_dob: boolean;
  score: number;
};

export interface Comparison {
  score: number;
  nameSimilarity: number;
  reasons: DuplicateReason[];
}

const comparisonOf = (raw: RawComparison): Comparison => ({
  score: raw.score,
  nameSimilarity: Math.round(raw.name_similarity * 1000) / 1000,
  reasons: [
    ...(raw.same_email ? (['SAME_EMAIL'] as const) : []),
    ...(raw.same_phone ? (['SAME_PHONE'] as const) : []),
    ...(raw.name_similarity >= 0.3 ? (['SIMILAR_NAME'] as const) : []),
    ...(raw.same_dob ? (['SAME_DATE_OF_BIRTH'] as const) : []),
  ],
});

/**
 * Runs a duplicate search with plain scans priced out (bitmap index scans only). pg_trgm's
 * estimates make the planner prefer reading the whole table (or its primary key) to probing the
 * trigram index below some 10,000 records, and even above that for long names; the trigram index is
 * what keeps one search the same cost at any clinic size. A staff-only read, not the hot path: the
 * SET's round trip is affordable.
 */
async function withIndexedSearch<T>(db: Executor, search: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off; set local enable_indexscan = off`);
    return search(tx);
  });
}

/** A whole row as jsonb (postgres.js parses it), in the shape fromRaw reads. */
const rowJson = (alias: string): SQL => sql.raw(`to_jsonb(${alias}.*) - 'email_key' - 'phone_key'`);

/** What the search of one record's candidates starts from: its values, as constants of the statement. */
export type SearchSubject = {
  id: string;
  name: string;
  email_key: string;
  phone_key: string | null;
};

/**
 * The statement of findDuplicatesOf (its plan is tested): one index scan per criterion, their
 * union. The subject's values are constants, not a join: pg_trgm cannot estimate `%` against a
 * value the planner does not know, and would read the table instead of the trigram index.
 */
export const duplicatesOfSql = (subject: SearchSubject, limit: number, actor: AuditActor): SQL => sql`
    with p as (select * from patients where id = ${subject.id}),
    found as (
      select id from patients where name % ${subject.name}
      union select id from patients where email_key = ${subject.email_key} and merged_into is null
      union select id from patients where phone_key = ${subject.phone_key} and merged_into is null),
    compared as (
      select c.id, ${rowJson('c')} as patient, ${compared}
      from p cross join found join patients c on c.id = found.id
      where c.id <> p.id and c.merged_into is null and ${notMarked}),
    ranked as (select *, ${score} as score from compared where ${likely} order by score desc, id limit ${limit}),
    a as (${auditFrom('ranked', 'LIST', actor)})
    select r.* from ranked r order by r.score desc, r.id`;

/**
 * The likely duplicates of one live record, best first, each with a LIST audit entry. Undefined
 * when the record is unknown or merged.
 */
export async function findDuplicatesOf(
  db: Executor,
  id: string,
  limit: number,
  actor: AuditActor,
): Promise<{ patient: PatientRow; comparison: Comparison }[] | undefined> {
  const rows = await withIndexedSearch(db, async (tx) => {
    const [subject] = await tx.execute<SearchSubject>(sql`select id, name, email_key, phone_key from patients where id = ${id} and merged_into is null`);
    return subject && tx.execute<{ patient: RawPatient } & RawComparison>(duplicatesOfSql(subject, limit, actor));
  });
  if (!rows) return undefined;
  return rows.map((row) => ({ patient: fromRaw(row.patient), comparison: comparisonOf(row) }));
}
/**
 * A page of the clinic's likely pairs, best first, with the total and a LIST audit entry for each
 * record shown, in one statement. Pairs come from three equality self-joins (hash joins, no probe
 * per record): same email key, same phone key, or same birth date with a similar name. So the
 * clinic list leaves out what only one record's page finds, a near-identical name with another
 * birth date (that needs a trigram probe per record). Each pair comes once, smaller id first.
 */
export async function findDuplicatePairs(
  db: Executor,
  page: { limit: number; offset: number },
  actor: AuditActor,
): Promise<{ pairs: { first: PatientRow; second: PatientRow; comparison: Comparison }[]; total: number }> {
  const rows = await db.execute<{ total: string; first: RawPatient | null; second: RawPatient | null } & RawComparison>(sql`
    with live as (select id, name, email_key, phone_key, date_of_birth from patients where merged_into is null),
    pair_ids as (
      select a.id as first_id, b.id as second_id from live a join live b on b.email_key = a.email_key and b.id > a.id
      union select a.id, b.id from live a join live b on b.phone_key = a.phone_key and b.id > a.id
      union select a.id, b.id from live a join live b on b.date_of_birth = a.date_of_birth and b.id > a.id and b.name % a.name),
    pairs as (
      select p.id as first_id, c.id as second_id, ${rowJson('p')} as first, ${rowJson('c')} as second, ${compared}
      from pair_ids join patients p on p.id = pair_ids.first_id join patients c on c.id = pair_ids.second_id
      where ${notMarked}),
    likely_pairs as (select *, ${score} as score from pairs where ${likely}),
    page as (select * from likely_pairs order by score desc, first_id, second_id limit ${page.limit} offset ${page.offset}),
    counted as (select count(*) as total from likely_pairs),
    shown as (select first_id as id from page union select second_id from page),
    a as (${auditFrom('shown', 'LIST', actor)})
    select counted.total, page.* from counted left join page on true order by page.score desc, page.first_id, page.second_id`);
  const pairs = rows
    .filter((row) => row.first !== null && row.second !== null)
    .map((row) => ({ first: fromRaw(row.first!), second: fromRaw(row.second!), comparison: comparisonOf(row) }));
  return { pairs, total: Number(rows[0]?.total ?? 0) };
}

/** Marks the pair "not a duplicate" (idempotent); false when either record is unknown. */
export async function markNotDuplicate(db: Executor, id: string, otherId: string, markedBy: string): Promise<boolean> {
  const [first, second] = id < otherId ? [id, otherId] : [otherId, id];
  const rows = await db.execute<{ first_id: string }>(sql`
    with known as (select count(*) as n from patients where id in (${first}::uuid, ${second}::uuid))
    insert into not_duplicates (first_id, second_id, marked_by)
    select ${first}, ${second}, ${markedBy} from known where n = 2
    on conflict do nothing returning first_id`);
  if (rows.length > 0) return true;
  const [known] = await db.execute<{ n: string }>(sql`select count(*) as n from patients where id in (${first}::uuid, ${second}::uuid)`);
  return Number(known?.n) === 2;
}
