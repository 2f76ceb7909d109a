/**
 * A large CSV file through local mode's real upload path: POST /uploads over HTTP, the client's
 * single PUT to the presigned URL it answers, csv-intake validating the object from the bucket
 * notification, and the validated copy handed to the loader. The loader (csv-transform) is
 * replaced by a recorder: these runs are about taking a large file, not about how fast a million
 * rows go through the local state machine (csvTransformLarge.test.ts and the bench cover the load).
 */
import { createHash } from "node:crypto";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { localCredentials, localRegion } from "../../../local/awsClients";
import type { FileView } from "../../../tools/pipelineClient";
import { startFaultyStack } from "./faultyStack";

const header = "transaction_id,amount,currency,timestamp,merchant,status,customer_id,customer_country,notes";
const amounts = ["12.00", "480.25", "999.99", "1000.00", "7250.50"];

export interface LargeCsv {
  readonly body: Buffer;
  readonly rows: number;
}

/**
 * A CSV file of at least `minimumBytes`, every row a valid transaction of its own; each row's
 * `notes` column (an extra column, which the format allows) is `notesChars` letters long.
 */
export function largeCsv(prefix: string, minimumBytes: number, notesChars = 0): LargeCsv {
  const at = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const notes = "Quarterly settlement batch for the northern region ".repeat(Math.ceil(notesChars / 51));
  const note = notes.slice(0, notesChars);
  const chunks: Buffer[] = [Buffer.from(`${header}\n`)];
  let bytes = chunks[0].length;
  let rows = 0;
  while (bytes < minimumBytes) {
    let text = "";
    for (let index = 0; index < 1_000; index += 1) {
      rows += 1;
      const id = `${prefix}-${rows}`;
      text += `${id},${amounts[rows % amounts.length]},USD,${at},Corner Grocery,completed,cust-${id},US,${note}\n`;
    }
    const chunk = Buffer.from(text);
    chunks.push(chunk);
    bytes += chunk.length;
  }
  return { body: Buffer.concat(chunks), rows };
}

export interface LargeUploadResult {
  readonly putStatus: number;
  readonly putText: string;
  readonly file: FileView & Record<string, unknown>;
  /** The objects the loader was started for (S3 keys and the sizes the notification named). */
  readonly loads: readonly { readonly key: string; readonly size: number }[];
  /** SHA-256 of the validated object the loader reads, when there is one. */
  readonly validatedSha256?: string;
}

/** Uploads `csv` through a local stack's presigned upload path and answers what became of it. */
export async function uploadThroughLocalMode(csv: Buffer): Promise<LargeUploadResult> {
  const loads: { key: string; size: number }[] = [];
  const target = await startFaultyStack({
    faults: {
      wrapHandler: (name, handler) =>
        name !== "csv-transform"
          ? handler
          : async (event: unknown) => {
              for (const record of (event as Partial<S3Event>).Records ?? []) {
                loads.push({ key: record.s3.object.key, size: record.s3.object.size });
              }
              return { files: [], ignored: 0 };
            },
    },
  });
  const s3 = new S3Client({
    region: localRegion,
    credentials: localCredentials,
    endpoint: target.stack.outputs.endpoints.s3,
    forcePathStyle: true,
  });
  try {
    const grant = await target.client.requestUploadUrl();
    if (grant.status !== 201) throw new Error(`POST /uploads answered ${grant.status} ${grant.text}`);
    const {
      file_id: fileId,
      upload_url: uploadUrl,
      headers,
    } = grant.body as {
      file_id: string;
      upload_url: string;
      headers: Record<string, string>;
    };
    const put = await fetch(uploadUrl, { method: "PUT", headers, body: csv });
    const putText = await put.text();
    const file = await target.client.waitForFile(fileId, ["VALIDATED", "REJECTED"]);
    let validatedSha256: string | undefined;
    if (file.body.status === "VALIDATED") {
      const object = await s3.send(
        new GetObjectCommand({
          Bucket: target.stack.outputs.uploadsBucketName,
          Key: `validated/${fileId}.csv`,
        }),
      );
      const digest = createHash("sha256");
      for await (const chunk of object.Body as AsyncIterable<Buffer>) digest.update(chunk);
      validatedSha256 = digest.digest("hex");
    }
    return {
      putStatus: put.status,
      putText,
      file: file.body as FileView & Record<string, unknown>,
      loads,
      validatedSha256,
    };
  } finally {
    s3.destroy();
    await target.close();
  }
}

export const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");
