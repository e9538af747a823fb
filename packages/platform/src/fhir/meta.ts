import type { Meta } from '@medplum/fhirtypes';
import { badInput } from '../errors.js';

/**
 * Versions are positive integers kept by the owning service (a `version` column bumped on every
 * change); `meta.versionId` is their decimal string and the ETag is weak (FHIR http.html#versioning).
 */
export const metaOf = (version: number, lastUpdated: Date): Meta => ({ versionId: String(version), lastUpdated: lastUpdated.toISOString() });

export const etagOf = (versionId: string) => `W/"${versionId}"`;

const ifMatchPattern = /^(?:W\/)?"(\d{1,15})"$|^(\d{1,15})$/;

/**
 * The version an update's If-Match demands (`W/"3"`, `"3"`, or a bare `3`), undefined without
 * the header. A malformed header is a 400, never ignored: the client meant to guard its write.
 */
export function versionFromIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = ifMatchPattern.exec([header].flat().join(',').trim());
  if (!match) throw badInput('If-Match must be a version ETag such as W/"3"', [{ field: 'If-Match', message: 'must be W/"<versionId>"' }]);
  return Number(match[1] ?? match[2]);
}
