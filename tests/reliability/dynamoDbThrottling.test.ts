/**
 * DynamoDB throttling at the wire. The functions' DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB, applied
 * last through functionEnvironment) is a proxy in front of dynalite that answers chosen requests
 * itself with HTTP 400 ProvisionedThroughputExceededException, as a throttled table does, so the
 * real AWS SDK's retry logic (its attempts, throttling backoff, retry quota) engages. The state
 * machine's own DynamoDB task (RecordDecision) talks to dynalite directly and is not throttled.
 *
 * Which requests are throttled is fixed by a seed (SeededFaultSchedule): the n-th request of an
 * operation meets the same fate in every run, recognised on its retries by a hash of its method,
 * path and body, which the SDK sends again unchanged; which logical request comes n-th depends on
 * how concurrent work interleaves.
 */
import { expect } from "chai";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DetailType } from "../../functions/shared/eventRouting";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { localResourceNames } from "../../local/localPipeline";
import { transactionBody } from "../e2e/support/transactionBodies";
import { csvFile } from "./support/csvFiles";
import { startFaultyStack, type FaultyStack } from "./support/faultyStack";
import { eventCounts, expectDecidedOnceOrDeadLettered } from "./support/pipelineLedger";
import { deliverAll, finalAnswer } from "./support/providerDeliveries";
import { SeededFaultSchedule } from "./support/seededChoice";
import {
  provisionedThroughputExceeded,
  startWireProxy,
  type ProxiedRequest,
  type WireProxy,
} from "./support/wireProxy";

const seed = "dynamodb-throttling";
const amounts = ["12.00", "480.00", "1000.00", "7250.50", "10000.01", "48000.00"];

/** The request's JSON body, for the rules that pick one call of one function. */
interface DynamoDbBody {
  readonly TableName?: string;
  readonly UpdateExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, { readonly S?: string }>;
  readonly Item?: Record<string, { readonly S?: string }>;
}

function bodyOf(request: ProxiedRequest): DynamoDbBody {
  return JSON.parse(request.body.toString("utf8")) as DynamoDbBody;
}

/** Whether the proxy answers a request with a throttling error. */
type ThrottleRule = (request: ProxiedRequest) => boolean;

describe("reliability: DynamoDB throttling the functions' requests", function () {
  this.timeout(120_000);
  let proxy: WireProxy;
  let target: FaultyStack;
  let rule: ThrottleRule = () => false;
  /** The DynamoDB client's attempts per call, the first included (as the functions' clients have it). */
  let sdkAttempts: number;
  /** Requests this test's rule throttled, by operation. */
  let throttled = new Map<string, number>();

  before(async () => {
    proxy = await startWireProxy({
      intercept(request) {
        if (!rule(request)) return undefined;
        throttled.set(request.operation, (throttled.get(request.operation) ?? 0) + 1);
        return provisionedThroughputExceeded();
      },
    });
    target = await startFaultyStack({
      functionEnvironment: { [EnvironmentName.dynamoDbEndpoint]: proxy.endpoint },
    });
    // The proxy learns dynalite's port once it is up; no function has called DynamoDB yet.
    proxy.setUpstream(target.pipeline.emulators.dynamoDbEndpoint);
    const client = new DynamoDBClient({ region: "us-east-1" });
    sdkAttempts = await client.config.maxAttempts();
    client.destroy();
  });

  beforeEach(() => {
    throttled = new Map();
  });

  afterEach(() => {
    rule = () => false;
  });

  after(async () => {
    await target?.close();
    await proxy?.close();
  });

  it("loses and duplicates nothing when a quarter of the requests are throttled within the SDK's retries", async () => {
    // Prepare: a quarter of the first two sendings of any request are throttled (and the first
    // of each operation); later sendings never, so the SDK's own retries absorb every throttle.
    const schedule = new SeededFaultSchedule(seed, 0.25, Math.min(2, sdkAttempts - 1), {
      failFirstOfEachKind: true,
    });
    rule = (request) => schedule.fails(request.operation, request.fingerprint);
    const { client, pipeline } = target;
    const scope = client.transactionId("quarter");
    const bodies = Array.from({ length: 40 }, (_, index) =>
      transactionBody(`${scope}-${index}`, { amount: amounts[index % amounts.length] }),
    );
    const file = csvFile(`${scope}-csv`, 100);

    // Act
    const [deliveries, upload] = await Promise.all([deliverAll(client, bodies), client.uploadCsv(file.body)]);
    await pipeline.idle();

    // Assess: no caller ever saw a throttle.
    expect(deliveries.map((delivery) => delivery.answers.map((answer) => answer.status))).to.deep.equal(
      bodies.map(() => [202]),
    );
    expect(upload.status, upload.text).to.equal(202);
    expect(pipeline.failedS3Deliveries()).to.deep.equal([]);
    const keys = new Set([...deliveries.map((delivery) => delivery.key), ...file.keys]);
    await expectDecidedOnceOrDeadLettered(pipeline, client, { decided: keys, scope, failedExecutions: 0 });
    const received = eventCounts(pipeline, DetailType.received);
    expect([...keys].filter((key) => received.get(key) !== 1)).to.deep.equal([]);
    const completed = await client.waitForFile(upload.body.file_id, ["COMPLETED"]);
    expect(completed.body).to.include({ status: "COMPLETED", valid_rows: 100, decided_rows: 100 });
    expect(pipeline.failedNotifierInvocations()).to.equal(0);
    // The throttles did happen, on the reads, writes and batches of every kind of work.
    const total = [...throttled.values()].reduce((sum, count) => sum + count, 0);
    expect(total, JSON.stringify([...throttled])).to.be.greaterThan(100);
    expect([...throttled.keys()]).to.include.members([
      "PutItem",
      "GetItem",
      "UpdateItem",
      "Query",
      "BatchGetItem",
      "BatchWriteItem",
    ]);
  });

  it("answers 503 when a delivery's intake record cannot be written even after the SDK's retries, and accepts the provider's retry once", async () => {
    // Prepare: the first intake claim of each transaction marked "claim-fails" is throttled on
    // every SDK attempt; its later claims (the provider's retry) pass.
    const firstClaim = new Map<string, string>();
    rule = (request) => {
      if (request.operation !== "PutItem") return false;
      const body = bodyOf(request);
      const key = body.Item?.transactionId?.S ?? "";
      if (body.TableName !== localResourceNames.intakeTable || !key.includes("claim-fails")) return false;
      if (!firstClaim.has(key)) firstClaim.set(key, request.fingerprint);
      return firstClaim.get(key) === request.fingerprint;
    };
    const { client, pipeline } = target;
    const scope = client.transactionId("claims");
    const bodies = Array.from({ length: 24 }, (_, index) =>
      transactionBody(`${scope}-${index % 3 === 0 ? "claim-fails" : "fine"}-${index}`, {
        amount: amounts[index % amounts.length],
      }),
    );

    // Act
    const deliveries = await deliverAll(client, bodies);
    await pipeline.idle();

    // Assess
    for (const delivery of deliveries) {
      const statuses = delivery.answers.map((answer) => answer.status);
      expect(statuses, delivery.key).to.deep.equal(delivery.key.includes("claim-fails") ? [503, 202] : [202]);
      expect(finalAnswer(delivery).body).to.deep.equal({ transaction_id: delivery.key, status: "RECEIVED" });
    }
    expect(throttled.get("PutItem")).to.equal(8 * sdkAttempts);
    const keys = new Set(deliveries.map((delivery) => delivery.key));
    await expectDecidedOnceOrDeadLettered(pipeline, client, { decided: keys, scope, failedExecutions: 0 });
    const received = eventCounts(pipeline, DetailType.received);
    expect([...keys].filter((key) => received.get(key) !== 1)).to.deep.equal([]);
  });

  it("counts a CSV row's decision on its file once when the notifier's count failed and Lambda retried the invocation", async () => {
    // Prepare: the notifier's first "ADD decidedRows" on the file is throttled on every SDK
    // attempt, after it claimed the row; Lambda's retry of the event (same request id) counts it.
    let counted: string | undefined;
    rule = (request) => {
      if (request.operation !== "UpdateItem") return false;
      const body = bodyOf(request);
      if (
        body.TableName !== localResourceNames.fileStatusTable ||
        !body.UpdateExpression?.includes("ADD #decidedRows")
      )
        return false;
      counted ??= request.fingerprint;
      return counted === request.fingerprint;
    };
    const { client, pipeline } = target;
    const scope = client.transactionId("file-count");
    const file = csvFile(scope, 12);

    // Act
    const upload = await client.uploadCsv(file.body);
    await pipeline.idle();

    // Assess
    expect(upload.status, upload.text).to.equal(202);
    expect(throttled.get("UpdateItem")).to.equal(sdkAttempts);
    await expectDecidedOnceOrDeadLettered(pipeline, client, {
      decided: new Set(file.keys),
      scope,
      failedExecutions: 0,
    });
    const completed = await client.getFile(upload.body.file_id);
    expect(completed.body).to.include({ status: "COMPLETED", valid_rows: 12, decided_rows: 12 });
    const { approved = 0, review = 0, rejected = 0 } = completed.body;
    expect(approved + review + rejected).to.equal(12);
    expect(pipeline.failedNotifierInvocations()).to.equal(0);
  });

  it("loads a file whose VALIDATED mark was throttled past csv-transform's first attempt", async () => {
    // Prepare: csv-intake writes the validated object, then marks the file VALIDATED; that mark's
    // first sending is throttled, so the S3 notification's first attempt finds the file not ready.
    let markThrottled = false;
    rule = (request) => {
      if (markThrottled || request.operation !== "UpdateItem") return false;
      const body = bodyOf(request);
      markThrottled =
        body.TableName === localResourceNames.fileStatusTable &&
        body.ExpressionAttributeValues?.[":status"]?.S === "VALIDATED";
      return markThrottled;
    };
    const { client, pipeline } = target;
    const scope = client.transactionId("late-mark");
    const file = csvFile(scope, 10);

    // Act
    const upload = await client.uploadCsv(file.body);
    await pipeline.idle();

    // Assess
    expect(upload.status, upload.text).to.equal(202);
    expect(throttled.get("UpdateItem")).to.equal(1);
    expect(pipeline.failedS3Deliveries()).to.deep.equal([]);
    const completed = await client.getFile(upload.body.file_id);
    expect(completed.body).to.include({ status: "COMPLETED", valid_rows: 10, decided_rows: 10 });
    await expectDecidedOnceOrDeadLettered(pipeline, client, {
      decided: new Set(file.keys),
      scope,
      failedExecutions: 0,
    });
  });

  it("counts a CSV row's decision on its file once when marking it counted failed and Lambda retried the invocation", async () => {
    // Prepare: the notifier's first "SET countedInFileAt" is throttled on every SDK attempt, after
    // the row's decision was added to its file; Lambda's retry (same request id) finds the row's
    // line still being counted on the file and only finishes marking it.
    let marked: string | undefined;
    rule = (request) => {
      if (request.operation !== "UpdateItem") return false;
      const names = Object.values(bodyOf(request).ExpressionAttributeNames ?? {});
      if (names.length !== 1 || names[0] !== "countedInFileAt") return false;
      marked ??= request.fingerprint;
      return marked === request.fingerprint;
    };
    const { client, pipeline } = target;
    const scope = client.transactionId("mark-counted");
    const file = csvFile(scope, 12);

    // Act
    const upload = await client.uploadCsv(file.body);
    await pipeline.idle();

    // Assess
    expect(throttled.get("UpdateItem")).to.equal(sdkAttempts);
    await expectDecidedOnceOrDeadLettered(pipeline, client, {
      decided: new Set(file.keys),
      scope,
      failedExecutions: 0,
    });
    const completed = await client.getFile(upload.body.file_id);
    expect(completed.body).to.include({ status: "COMPLETED", valid_rows: 12, decided_rows: 12 });
    const { approved = 0, review = 0, rejected = 0 } = completed.body;
    expect(approved + review + rejected).to.equal(12);
    expect(pipeline.failedNotifierInvocations()).to.equal(0);
  });
});
