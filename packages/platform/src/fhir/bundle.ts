import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { FhirSearch } from './search.js';

/** One page of a search, as a service's search handler returns it. */
export interface SearchPage<T extends Resource = Resource> {
  resources: T[];
  /** Matches over every page. */
  total: number;
}

/** `${base}/${type}/${id}`: where the resource is read, the entry's fullUrl. */
export const fullUrlOf = (base: string, resource: Resource) => `${base}/${resource.resourceType}/${resource.id ?? ''}`;

/**
 * A searchset Bundle (FHIR http.html#search): `total`, the `self` link with the page made
 * explicit, `next`/`previous` while there are more, and each match with its fullUrl.
 */
export function searchsetBundle<T extends Resource>(base: string, type: string, search: FhirSearch, page: SearchPage<T>): Bundle<T> {
  const linkTo = (offset: number) => `${base}/${type}?${search.linkQuery(offset).toString()}`;
  const link: BundleLink[] = [{ relation: 'self', url: linkTo(search.offset) }];
  if (search.count > 0 && search.offset + search.count < page.total) link.push({ relation: 'next', url: linkTo(search.offset + search.count) });
  if (search.count > 0 && search.offset > 0) link.push({ relation: 'previous', url: linkTo(Math.max(0, search.offset - search.count)) });
  const entry = page.resources.map((resource): BundleEntry<T> => ({ fullUrl: fullUrlOf(base, resource), resource, search: { mode: 'match' } }));
  // FHIR refuses empty arrays: no matches means no `entry` at all.
  return { resourceType: 'Bundle', type: 'searchset', total: page.total, link, ...(entry.length > 0 && { entry }) };
}
