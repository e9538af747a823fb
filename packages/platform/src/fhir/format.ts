import { AppError } from '../errors.js';

/** The path every FHIR interaction lives under, on the gateway and on each service. */
export const fhirBasePath = '/fhir/R4';
export const fhirContentType = 'application/fhir+json';
/** What FHIR answers carry (errors too: platform's error handler sets it under /fhir/). */
export const fhirContentTypeHeader = `${fhirContentType}; charset=utf-8`;

export const isFhirPath = (url: string) => url.startsWith('/fhir/');

// JSON is the one format served: these are the ways a client can ask for it.
const jsonMediaTypes = new Set([fhirContentType, 'application/json', 'application/json+fhir', 'application/*', '*/*']);
const jsonFormats = new Set(['json', fhirContentType, 'application/json', 'application/json+fhir']);

/**
 * Content negotiation (FHIR http.html#mime-type): `_format` wins over `Accept`; anything that
 * admits JSON is answered with `application/fhir+json`; an explicit XML or Turtle request is 406.
 */
export function checkFormat(accept: string | undefined, format: unknown): void {
  if (format !== undefined) {
    const formats = [format].flat().map(String);
    if (formats.every((value) => jsonFormats.has(value.trim().toLowerCase()))) return;
    throw notAcceptable(`_format=${formats.join(',')} is not served; use _format=json`);
  }
  if (!accept) return;
  const mediaTypes = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  if (mediaTypes.some((mediaType) => mediaType === '' || jsonMediaTypes.has(mediaType))) return;
  throw notAcceptable(`Accept: ${accept} is not served; accept ${fhirContentType}`);
}

const notAcceptable = (message: string) => new AppError('NOT_ACCEPTABLE', message, 'FORMAT_NOT_SUPPORTED');
