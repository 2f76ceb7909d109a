/**
 * What `npm start` prints once the stack is up: where it listens, the local secret and key, and
 * commands to copy and paste for every route.
 */
import type { LocalCredentials } from "./localCredentials";
import { localProviderName } from "./localCredentials";

export interface BannerFacts {
  readonly url: string;
  readonly credentials: LocalCredentials;
  readonly dataDirectory?: string;
  readonly outputsPath: string;
  /** Minutes after which the reconciler re-drives an undecided transaction. */
  readonly reconcileAfterMinutes?: number;
}

export function startBanner({
  url,
  credentials,
  dataDirectory,
  outputsPath,
  reconcileAfterMinutes = 15,
}: BannerFacts): string {
  const secretNote = credentials.webhookSecretIsDefault
    ? "(default; set WEBHOOK_SECRET to change)"
    : "(from WEBHOOK_SECRET)";
  const keyNote = credentials.apiKeyIsDefault ? "(default; set API_KEY to change)" : "(from API_KEY)";
  const key = credentials.apiKey;
  const uploadKey = credentials.uploadApiKey;
  const uploadKeyNote = credentials.uploadApiKeyIsDefault
    ? "(default; set UPLOAD_API_KEY to change)"
    : "(from UPLOAD_API_KEY)";
  return `
Transaction pipeline running locally at ${url}

  WEBHOOK_SECRET  ${credentials.webhookSecret}  ${secretNote}
  API_KEY         ${key}  ${keyNote}  reads transactions
  UPLOAD_API_KEY  ${uploadKey}  ${uploadKeyNote}  uploads files and reads their status
  Provider        ${localProviderName}   (transaction ids are stored as ${localProviderName}#<transaction_id>)
  Data            ${
    dataDirectory
      ? `persisted in ${dataDirectory}: tables and uploaded files survive a restart or a kill, and work in flight is re-driven at start`
      : "IN MEMORY: nothing survives a restart, accepted work included (--data-dir <folder> keeps it)"
  }
  Reconciler      every minute; re-drives a transaction still undecided ${reconcileAfterMinutes} min after it was accepted
  Stack outputs   ${outputsPath}

Send a signed webhook (the sign helper prints the headers and a ready curl command):
  npm run sign -- examples/webhook-approved.json

Read it back (# is %23 in a URL):
  curl -s -H 'x-api-key: ${key}' ${url}/transactions/${localProviderName}%23tx-approved-1

Upload a CSV file, then follow it:
  curl -s -H 'x-api-key: ${uploadKey}' -H 'Content-Type: text/csv' --data-binary @examples/transactions.csv ${url}/upload
  curl -s -H 'x-api-key: ${uploadKey}' ${url}/files/<file_id>

Ask for a presigned URL for a large file:
  curl -s -X POST -H 'x-api-key: ${uploadKey}' ${url}/uploads

Run the archival job now (decided transactions older than --archive-after-hours):
  curl -s -X POST -H 'x-api-key: ${key}' ${url}/admin/archive

See a realistic mix go through:  npm run demo
Stop: Ctrl-C
`;
}
