/**
 * What the ingest API asks of a CSV upload before it reaches the csv-intake function, as pure
 * data (unit-tested without mocks).
 *
 * What API Gateway really does with POST /upload (a Lambda-proxy integration):
 * - No `Content-Type` header, or a blank one: 400 "Missing required request parameters", from the
 *   request validator, before the function is invoked.
 * - The body is not validated by the gateway: API Gateway validates a body only as JSON against
 *   a JSON-schema model, and a CSV body is not JSON, so a model on `text/csv` would refuse every
 *   upload before the function runs. The rows are the function's to check.
 * - Any other content type: the gateway does not answer 415 itself: that comes from passthrough behaviour NEVER / WHEN_NO_TEMPLATES,
 *   which proxy integrations do not have. So the csv-intake function answers 415 for anything
 *   but `text/csv`; the gateway only guarantees the header is there.
 * - Size: API Gateway accepts bodies up to 10 MB (413 above), but a synchronous Lambda invocation
 *   carries at most 6 MB of event (the body plus headers and request context), so a body over
 *   roughly 5 MB fails at the integration with a 5xx rather than a clean 413. Larger files go
 *   through POST /uploads (a presigned S3 PUT, up to 5 GB).
 */

import { ingestApiRoutes, requiredRequestParameters, type IngestApiRoute } from "../../pipeline";

/**
 * A route's request validator (pipeline/routes.ts `requiredHeaders`): the required parameters
 * only, never the body (a CSV body is not JSON).
 */
export function requestValidatorOf(requiredHeaders: NonNullable<IngestApiRoute["requiredHeaders"]>) {
  return {
    name: requiredHeaders.validatorName,
    validateRequestParameters: true,
    validateRequestBody: false,
  } as const;
}

/** The method request parameters POST /upload requires: the validator rejects requests without them. */
export const uploadRequestParameters = requiredRequestParameters(ingestApiRoutes.upload);

/** The request validator of POST /upload. */
export const uploadRequestValidator = requestValidatorOf(ingestApiRoutes.upload.requiredHeaders);
