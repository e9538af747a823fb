import { ilike, or, type Column, type SQL } from 'drizzle-orm';

/** `%`, `_` and `\` are LIKE wildcards; a search for "50%" means the text. */
export const literal = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
export const likePattern = (text: string) => `%${literal(text)}%`;

/** FHIR string search: some word of the column starts with the text (case-insensitive). */
export const wordStartsWith = (column: Column, text: string): SQL =>
  or(ilike(column, `${literal(text)}%`), ilike(column, `% ${literal(text)}%`))!;
