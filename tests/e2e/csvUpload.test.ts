/**
 * CSV upload end to end on the emulators: POST /upload through the real csv-intake handler, the
 * validated file written to the uploads bucket (fauxqs), the bucket's notification (emulated by
 * the local runtime: fauxqs sends none) starting the real csv-transform, each row taking the
 * webhook path (local bus, lane rules, the deployed ASL and step handlers), the notifier on the
 * "Transaction Processed" rule completing the file, and the SNS summary reaching the alerts inbox.
 * The presigned path PUTs through the URL csv-intake hands out. What this cannot prove: API
 * Gateway (keys, usage plans, validators), S3's own notification delivery, IAM, KMS.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DeleteMessageCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { StateName } from "../../components/processing/stateMachineDefinition/index";
import { localClients, localCredentials, localRegion } from "../../local/awsClients";
import { startLocalPipeline, type LocalPipeline } from "../../local/localPipeline";
import { LocalS3Notifications } from "../../local/s3Events";
import getTransactionFixture from "../functions/fixtures/api-gateway/get-transaction.json";
import { getFileEvent, uploadEvent, uploadsEvent } from "../functions/support/apiGatewayEvents";
import { newStandardWebhooksSecret } from "../functions/support/webhookRequests";

interface UploadAnswer {
  readonly file_id: string;
  readonly status: string;
  readonly rows?: number;
  readonly valid_rows?: number;
  readonly invalid_rows?: number;
  readonly errors?: Array<{ line: number; code: string; message: string }>;
  readonly upload_url?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

interface FileView {
  readonly file_id: string;
  readonly status: string;
  readonly rows?: number;
  readonly valid_rows?: number;
  readonly invalid_rows?: number;
  readonly published_rows?: number;
  readonly already_received_rows?: number;
  readonly decided_rows?: number;
  readonly approved?: number;
  readonly review?: number;
  readonly rejected?: number;
  readonly errors?: Array<{ line: number; code: string }>;
}

interface Summary {
  readonly file_id: string;
  readonly rows: number;
  readonly valid_rows: number;
  readonly invalid_rows: number;
  readonly already_received_rows: number;
  readonly published_rows: number;
  readonly approved: number;
  readonly review: number;
  readonly rejected: number;
}

interface TransactionView {
  readonly transaction_id: string;
  readonly status: string;
  readonly decision?: { readonly status: string; readonly lane: string };
}

const header =
  "transaction_id,amount,currency,timestamp,merchant,status,customer_id,customer_country,merchant_category_code,notes";

/** `valid` small rows (distinct customers, an hour ago), then a bad amount and a formula cell. */
function csvFile(prefix: string, valid: number): { body: string; ids: string[] } {
  const at = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const ids = Array.from({ length: valid }, (_, index) => `${prefix}-${index + 1}`);
  const rows = ids.map(
    (id, index) => `${id},${10 + index}.50,USD,${at},Corner Grocery,completed,cust-${id},US,5411,`,
  );
  rows.push(`${prefix}-bad-amount,10.999,USD,${at},Corner Grocery,completed,cust-x,US,5411,`);
  rows.push(`${prefix}-formula,10.00,USD,${at},=HYPERLINK("http://evil.example"),completed,cust-y,US,5411,`);
  return { body: [header, ...rows].join("\n") + "\n", ids };
}

describe("CSV upload to completed file on the local pipeline", function () {
  this.timeout(60_000);
  let pipeline: LocalPipeline;

  function body<T>(result: APIGatewayProxyResult): T {
    return JSON.parse(result.body) as T;
  }

  async function fileView(fileId: string): Promise<FileView> {
    const answer = await pipeline.fileStatus(getFileEvent(fileId));
    expect(answer.statusCode, answer.body).to.equal(200);
    return body<FileView>(answer);
  }

  async function transaction(key: string): Promise<TransactionView> {
    const event = structuredClone(getTransactionFixture) as unknown as APIGatewayProxyEvent;
    const encoded = encodeURIComponent(key);
    const answer = await pipeline.transactionStatus({
      ...event,
      path: `/transactions/${encoded}`,
      pathParameters: { transactionId: encoded },
    });
    expect(answer.statusCode, answer.body).to.equal(200);
    return body<TransactionView>(answer);
  }

  /** Every message in the alerts inbox now, removed from it. */
  async function drainInbox(): Promise<Message[]> {
    const sqs = localClients(pipeline.emulators).sqs;
    const messages: Message[] = [];
    for (;;) {
      const answer = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pipeline.alertsInboxUrl, MaxNumberOfMessages: 10 }),
      );
      const batch = answer.Messages ?? [];
      if (batch.length === 0) return messages;
      for (const message of batch) {
        messages.push(message);
        await sqs.send(
          new DeleteMessageCommand({
            QueueUrl: pipeline.alertsInboxUrl,
            ReceiptHandle: message.ReceiptHandle,
          }),
        );
      }
    }
  }

  async function summaries(fileId: string): Promise<Summary[]> {
    return (await drainInbox())
      .map((message) => JSON.parse(message.Body ?? "{}") as Partial<Summary>)
      .filter((summary): summary is Summary => summary.file_id === fileId);
  }

  function decisionsIn(): number {
    return pipeline.bus.archive().filter((event) => event["detail-type"] === "Transaction Processed").length;
  }

  before(async () => {
    pipeline = await startLocalPipeline({
      webhookSecret: newStandardWebhooksSecret(),
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
      retryIntervalOverrides: Object.fromEntries(Object.values(StateName).map((name) => [name, 0])),
    });
  });

  after(async () => {
    await pipeline?.stop();
  });

  afterEach(() => {
    expect(pipeline.failedExecutions()).to.equal(0);
    expect(pipeline.failedS3Deliveries()).to.deep.equal([]);
    expect(pipeline.failedNotifierInvocations()).to.equal(0);
  });

  it("validates, loads and decides every valid row, completes the file and sends one summary", async () => {
    // Prepare
    const { body: csv, ids } = csvFile(`up-${randomUUID().slice(0, 8)}`, 4);

    // Act
    const answer = await pipeline.upload(uploadEvent(csv));
    await pipeline.idle();

    // Assess: the intake's answer, lines counted with the header as line 1.
    expect(answer.statusCode, answer.body).to.equal(202);
    const uploaded = body<UploadAnswer>(answer);
    expect(uploaded).to.include({ status: "VALIDATED", rows: 6, valid_rows: 4, invalid_rows: 2 });
    expect(uploaded.errors?.map(({ line, code }) => [line, code])).to.deep.equal([
      [6, "INVALID_AMOUNT"],
      [7, "FORMULA_INJECTION"],
    ]);
    const fileId = uploaded.file_id;

    const view = await fileView(fileId);
    expect(view).to.include({
      file_id: fileId,
      status: "COMPLETED",
      rows: 6,
      valid_rows: 4,
      invalid_rows: 2,
      published_rows: 4,
      decided_rows: 4,
    });
    expect((view.approved ?? 0) + (view.review ?? 0) + (view.rejected ?? 0)).to.equal(4);
    expect(view.approved).to.equal(4);

    const sent = await summaries(fileId);
    expect(sent).to.deep.equal([
      {
        file_id: fileId,
        rows: 6,
        valid_rows: 4,
        invalid_rows: 2,
        already_received_rows: 0,
        conflict_rows: 0,
        published_rows: 4,
        approved: view.approved,
        review: view.review ?? 0,
        rejected: view.rejected ?? 0,
        dead_lettered: 0,
      },
    ]);

    for (const id of ids) {
      const stored = await transaction(`csv#${id}`);
      expect(stored.status, id).to.equal("APPROVED");
      expect(stored.decision?.status, id).to.equal("APPROVED");
      expect(stored.decision?.lane, id).to.equal("low");
    }
  });

  it("completes a re-uploaded file at once: every row already received, no new decision", async () => {
    // Prepare: the same file, loaded and decided once.
    const { body: csv } = csvFile(`re-${randomUUID().slice(0, 8)}`, 3);
    const first = body<UploadAnswer>(await pipeline.upload(uploadEvent(csv)));
    await pipeline.idle();
    expect((await fileView(first.file_id)).status).to.equal("COMPLETED");
    await drainInbox();
    const decisionsBefore = decisionsIn();

    // Act
    const answer = await pipeline.upload(uploadEvent(csv));
    await pipeline.idle();

    // Assess
    expect(answer.statusCode, answer.body).to.equal(202);
    const second = body<UploadAnswer>(answer);
    expect(second.file_id).to.not.equal(first.file_id);
    expect(await fileView(second.file_id)).to.include({
      status: "COMPLETED",
      valid_rows: 3,
      invalid_rows: 2,
      published_rows: 0,
      already_received_rows: 3,
    });
    expect(decisionsIn()).to.equal(decisionsBefore);
    const sent = await summaries(second.file_id);
    expect(sent).to.have.length(1);
    expect(sent[0]).to.include({ already_received_rows: 3, published_rows: 0, invalid_rows: 2 });
  });

  it("takes a presigned upload through validation, loading and completion", async () => {
    // Prepare
    const { body: csv, ids } = csvFile(`ps-${randomUUID().slice(0, 8)}`, 2);
    const answer = await pipeline.uploads(uploadsEvent());
    expect(answer.statusCode, answer.body).to.equal(201);
    const grant = body<UploadAnswer>(answer);
    expect(grant.upload_url).to.be.a("string");

    // Act: the client's PUT; the bucket notification does the rest.
    const put = await fetch(grant.upload_url as string, {
      method: grant.method ?? "PUT",
      headers: grant.headers ?? { "Content-Type": "text/csv" },
      body: csv,
    });
    expect(put.status).to.equal(200);
    await pipeline.idle();

    // Assess
    const view = await fileView(grant.file_id);
    expect(view).to.include({
      status: "COMPLETED",
      rows: 4,
      valid_rows: 2,
      invalid_rows: 2,
      published_rows: 2,
      approved: 2,
    });
    expect(view.errors?.map(({ line, code }) => [line, code])).to.deep.equal([
      [4, "INVALID_AMOUNT"],
      [5, "FORMULA_INJECTION"],
    ]);
    expect(await summaries(grant.file_id)).to.have.length(1);
    for (const id of ids) expect((await transaction(`csv#${id}`)).status).to.equal("APPROVED");
  });

  it("retries a failed notification twice, counts the final failure and encodes the key as S3 does", async () => {
    // Prepare: a bucket of its own with a flaky target (fails twice) and a broken one.
    const bucket = `probe-${randomUUID().slice(0, 8)}`;
    pipeline.emulators.fauxqs.createBucket(bucket);
    const s3 = new S3Client({
      region: localRegion,
      credentials: localCredentials,
      endpoint: pipeline.emulators.messagingEndpoint,
      forcePathStyle: true,
    });
    const flakyKeys: string[] = [];
    const notifications = new LocalS3Notifications({
      fauxqs: pipeline.emulators.fauxqs,
      s3,
      bucket,
      targets: [
        {
          id: "flaky",
          filterPrefix: "in/",
          filterSuffix: ".csv",
          async deliver(event) {
            flakyKeys.push(event.Records[0]!.s3.object.key);
            if (flakyKeys.length < 3) throw new Error("transient");
          },
        },
        {
          id: "broken",
          filterPrefix: "in/",
          filterSuffix: ".csv",
          deliver: () => Promise.reject(new Error("always")),
        },
      ],
    });

    // Act
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/a file.csv", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/ignored.txt", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "out/ignored.csv", Body: "x" }));
    await notifications.idle();
    notifications.stop();
    s3.destroy();

    // Assess
    expect(flakyKeys).to.deep.equal(["in/a+file.csv", "in/a+file.csv", "in/a+file.csv"]);
    expect(notifications.failedDeliveries()).to.deep.equal([
      { targetId: "broken", key: "in/a file.csv", error: "Error: always", attempts: 3 },
    ]);
  });
});
