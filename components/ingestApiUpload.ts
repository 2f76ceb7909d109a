/**
 * What the ingest API asks of a CSV upload before it reaches the csv-intake function, as pure
 * data (unit-tested without mocks).
 *
 * What API Gateway really does with POST /upload (a Lambda-proxy integration):
 * - No `Content-Type` header, or a blank one: 400 "Missing required request parameters", from the
 *   request validator, before the function is invoked.
 * - `Content-Type: text/csv`: the body is checked against the `CsvUpload` model, whose schema
 *   constrains nothing (a JSON schema cannot describe CSV); the rows are the function's to check.
 * - Any other content type: API Gateway validates a body only against the model registered for
 *   the request's content type, and with no model for it the body is not validated at all. Nor
 *   does it answer 415 itself: that comes from passthrough behaviour NEVER / WHEN_NO_TEMPLATES,
 *   which proxy integrations do not have. So the csv-intake function answers 415 for anything
 *   but `text/csv`; the gateway only guarantees the header is there.
 * - Size: API Gateway accepts bodies up to 10 MB (413 above), but a synchronous Lambda invocation
 *   carries at most 6 MB of event (the body plus headers and request context), so a body over
 *   roughly 5 MB fails at the integration with a 5xx rather than a clean 413. Larger files go
 *   through POST /uploads (a presigned S3 PUT, up to 5 GB).
 */

/** The content type POST /upload takes. */
export const csvContentType = "text/csv";

/** The method request parameters POST /upload requires: the validator rejects requests without them. */
export const uploadRequestParameters: Readonly<Record<string, boolean>> = {
  "method.request.header.Content-Type": true,
};

/** The request validator of POST /upload: required parameters and the body model both checked. */
export const uploadRequestValidator = {
  name: "csv-upload",
  validateRequestParameters: true,
  validateRequestBody: true,
} as const;

/**
 * The model of a CSV body. API Gateway model names are alphanumeric and unique per API; the schema
 * is draft-04 JSON Schema (the dialect API Gateway uses) with no constraint at all.
 */
export const csvUploadModel = {
  name: "CsvUpload",
  contentType: csvContentType,
  description: "A CSV file of transactions; its header and rows are checked by the csv-intake function",
  schema: JSON.stringify({
    $schema: "http://json-schema.org/draft-04/schema#",
    title: "CsvUpload",
    description: "CSV text, header row first; API Gateway cannot check CSV structure",
  }),
} as const;
