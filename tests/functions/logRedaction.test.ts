/**
 * What every handler writes to its logs when the sender puts full card numbers everywhere it can
 * (ids, names, metadata keys and values, CSV cells and headers, S3 keys, webhook ids, path
 * parameters), plain, spaced and dashed, and the webhook signing secrets are configured: no card
 * number, no secret and no signature reaches stdout or stderr, every log line carries a
 * correlationId (masked), and the keys of one invocation never label the next one's lines.
 *
 * The handlers cold-start with logs at DEBUG and metrics on, against dynalite and fauxqs;
 * EventBridge is answered by aws-sdk-client-mock. What this cannot prove: what the Lambda runtime
 * itself logs (its START/END/REPORT lines carry no payload), or X-Ray, which is off outside
 * Lambda (correlateInvocation's annotations are covered where the tracer is stubbed).
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from "@aws-sdk/client-eventbridge";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import type { CsvTransformResult } from "../../functions/csv-transform/csvTransform";
import type { NotifierResult } from "../../functions/notifier/notifier";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import { localCredentials, localRegion } from "../../local/awsClients";
import { forgetFunctionModules, loadFunctionModule } from "../../local/functionLoader";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { setFunctionEnvironment } from "../support/functionEnvironment";
import { processedEvent } from "./support/processedEvents";
import { startArchiveBench, decidedOn, putItems, scheduledEvent } from "./support/archiveFixture";
import { answerOf, captureOutput, type CapturedOutput, type EmfDocument } from "./support/capturedOutput";
import { csvLine, minimalHeader, minimalRow } from "./support/csvFiles";
import { startCsvIntakeBench } from "./support/csvIntakeBench";
import { getFileEvent, getTransactionEvent, uploadEvent, uploadsEvent } from "./support/apiGatewayEvents";
import { objectCreatedEvent } from "./support/s3Events";
import { startCsvLoadBench } from "./support/csvLoadBench";
import { startFunctionRuntime, type FunctionRuntime } from "./support/functionRuntime";
import { canonicalTransaction, receivedDetail } from "./support/transactions";
import {
  newStandardWebhooksSecret,
  standardWebhooksRequest,
  stripeRequest,
  webhookBody,
} from "./support/webhookRequests";

type ValidationModule = typeof import("../../functions/validation/index");
type FraudModule = typeof import("../../functions/fraud-detection/index");
type ComplianceModule = typeof import("../../functions/compliance/index");
type StatusModule = typeof import("../../functions/transaction-status/index");
type IntakeModule = typeof import("../../functions/webhook-intake/webhookIntake");
type SourceModule = typeof import("../../functions/webhook-intake/signingSecretSource");
type CsvIntakeModule = typeof import("../../functions/csv-intake/index");
type FileStatusModule = typeof import("../../functions/file-status/index");
type TransformModule = typeof import("../../functions/csv-transform/index");
type NotifierModule = typeof import("../../functions/notifier/index");
type EventBridgeModule = typeof import("../../functions/shared/eventBridge");
type ArchivalModule = typeof import("../../functions/archival/index");

/** The card networks' published test numbers: Luhn-valid, 15 and 16 digits. */
const visa = "4111111111111111";
const mastercard = "5500005555555559";
const amex = "378282246310005";
const discover = "6011111111111117";
const cardNumbers = [visa, mastercard, amex, discover];
const spacedVisa = "4111 1111 1111 1111";
const dashedVisa = "4111-1111-1111-1111";
const dashedMastercard = "5500-0055-5555-5559";

/** Each number with any single space or dash between any two digits, e.g. "4111 1111-1111 1111". */
const cardNumberPatterns = cardNumbers.map((pan) => new RegExp(pan.split("").join("[ -]?")));

/** Logs at DEBUG (everything) and EMF on, so every line a handler can write is looked at. */
const verbose = { POWERTOOLS_LOG_LEVEL: "DEBUG", POWERTOOLS_METRICS_DISABLED: "false" };

let requestSequence = 0;
/** A Lambda context with a request id of a known shape (a random UUID could hold a Luhn-valid run). */
function lambdaContext(functionName: string, timeoutMs?: number): Context {
  requestSequence += 1;
  return {
    ...localLambdaContext(functionName, timeoutMs),
    awsRequestId: `request-${functionName}-${requestSequence}`,
  };
}

function expectNothingSensitive<T>(captured: CapturedOutput<T>, secrets: readonly string[] = []): void {
  for (const line of captured.lines) {
    for (const pattern of cardNumberPatterns) expect(line, "a card number was written").not.to.match(pattern);
    for (const secret of secrets) expect(line, "a secret was written").not.to.contain(secret);
  }
}

/** The correlationId of every log line, failing when a line has none. */
function correlationIds<T>(captured: CapturedOutput<T>): string[] {
  return captured.logs.map((log) => {
    expect(log.correlationId, `"${log.message}" has no correlationId`).to.be.a("string").and.not.equal("");
    return log.correlationId as string;
  });
}

function expectCorrelatedBy<T>(captured: CapturedOutput<T>, correlationId: string): void {
  expect(captured.logs, "the invocation wrote no log line").not.to.have.length(0);
  expect(new Set(correlationIds(captured))).to.deep.equal(new Set([correlationId]));
}

/** The EMF documents holding metric `name`. */
function emfWith<T>(captured: CapturedOutput<T>, name: string): EmfDocument[] {
  return captured.metrics.filter((document) =>
    document._aws.CloudWatchMetrics.some((set) => set.Metrics.some((metric) => metric.Name === name)),
  );
}

function dimensionsOf(document: EmfDocument): ReadonlyArray<readonly string[]> {
  return document._aws.CloudWatchMetrics[0].Dimensions;
}

function restoreEnvironment(snapshot: Readonly<Record<string, string | undefined>>): void {
  for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
  Object.assign(process.env, snapshot);
}

describe("log redaction and correlation ids", function () {
  this.timeout(60_000);

  describe("pipeline steps, transaction status and webhook intake (dynalite)", () => {
    let runtime: FunctionRuntime;

    before(async () => {
      runtime = await startFunctionRuntime({ set: verbose });
    });

    after(async () => {
      await runtime?.stop();
    });

    it("validation: masks the key and every card number of an invalid detail, and correlates by the masked key", async () => {
      // Prepare
      const { handler } = runtime.load<ValidationModule>("validation/index");
      const detail = receivedDetail(
        {
          transactionId: visa,
          customerId: spacedVisa,
          merchantId: dashedMastercard,
          customerName: `Card ${amex}`,
          merchantName: discover,
          metadata: { note: `paid with ${dashedVisa}`, [mastercard]: "as a key", nested: [visa] },
        },
        { transactionId: `acme#${visa}` },
      );
      // Act
      const captured = await captureOutput(() => handler(detail, lambdaContext("validation")));
      // Assess
      const outcome = answerOf(captured);
      expect(outcome.valid).to.equal(false);
      expect(outcome.reasons.map((reason) => reason.code)).to.include("PAN_DETECTED");
      expectNothingSensitive(captured);
      expectCorrelatedBy(captured, "acme#************1111");
      expect(captured.logs.map((log) => log.transactionId)).to.deep.equal(
        captured.logs.map(() => "acme#************1111"),
      );
      // The digest the decision is recorded under is searchable too.
      expect(captured.logs.map((log) => log.recordKey)).to.include(outcome.recordKey);
      expect(outcome.recordKey).to.match(/^redacted#[0-9a-f]{64}$/);
    });

    it("validation: the keys of one invocation never label the next invocation's lines", async () => {
      // Prepare
      const { handler } = runtime.load<ValidationModule>("validation/index");
      const first = receivedDetail({ transactionId: "tx-first" }, { transactionId: `acme#${visa}` });
      const secondContext = lambdaContext("validation");
      // Act: the second detail has no transaction id at all.
      const firstRun = await captureOutput(() => handler(first, lambdaContext("validation")));
      const secondRun = await captureOutput(() => handler({ amount: 1 }, secondContext));
      // Assess
      expect(firstRun.logs[0]).to.include({ transactionId: "acme#************1111" });
      expectCorrelatedBy(secondRun, secondContext.awsRequestId);
      for (const log of secondRun.logs) {
        expect(log).not.to.have.property("transactionId");
        expect(log.recordKey).not.to.equal(firstRun.logs[0].recordKey);
      }
      expect(secondRun.lines.join("\n")).not.to.contain("acme#");
    });

    it("fraud detection and compliance: mask every card number and correlate by the masked key; FraudScore has only the service dimension", async () => {
      const transaction = canonicalTransaction({
        transactionId: `acme#${visa}`,
        customerId: spacedVisa,
        merchantId: dashedMastercard,
        customerName: amex,
        merchantName: `Shop ${discover}`,
        metadata: { note: dashedVisa, [mastercard]: "as a key" },
      });
      for (const step of ["fraud-detection", "compliance"] as const) {
        // Prepare
        const handler: (input: unknown, context: Context) => Promise<unknown> =
          step === "fraud-detection"
            ? runtime.load<FraudModule>("fraud-detection/index").handler
            : runtime.load<ComplianceModule>("compliance/index").handler;
        // Act
        const captured = await captureOutput(() => handler({ transaction }, lambdaContext(step)));
        // Assess
        answerOf(captured);
        expectNothingSensitive(captured);
        expectCorrelatedBy(captured, "acme#************1111");
        if (step === "fraud-detection") {
          const [scores] = emfWith(captured, "FraudScore");
          expect(dimensionsOf(scores)).to.deep.equal([["service"]]);
          expect(scores._aws.CloudWatchMetrics[0].Metrics).to.deep.include({
            Name: "FraudScore",
            Unit: "None",
          });
          expect(scores.FraudScore).to.be.within(0, 100);
        }
      }
    });

    it("fraud detection: a malformed input's failure is logged with its masked key and no card number", async () => {
      const { handler } = runtime.load<FraudModule>("fraud-detection/index");
      const input = { transaction: { transactionId: `acme#${visa}`, currency: dashedMastercard, [amex]: 1 } };

      const captured = await captureOutput(() => handler(input, lambdaContext("fraud-detection")));

      expect(captured.outcome.status).to.equal("rejected");
      expectNothingSensitive(captured);
      expectCorrelatedBy(captured, "acme#************1111");
      expect(captured.logs.map((log) => log.message)).to.include("Invocation failed");
      expect(emfWith(captured, "InvocationErrors")).to.have.length(1);
    });

    it("transaction-status: correlates by the looked-up key, never by a refused one, and drops it for the next request", async () => {
      // Prepare
      const { handler } = runtime.load<StatusModule>("transaction-status/index");
      const event = (rawKey: string, requestId?: string): APIGatewayProxyEvent =>
        getTransactionEvent(rawKey, requestId ?? "");
      const refusedContext = lambdaContext("transaction-status");
      // Act
      const lookedUp = await captureOutput(() =>
        handler(event("acme%23tx-status-redaction", "api-request-1"), lambdaContext("transaction-status")),
      );
      const refused = await captureOutput(() =>
        handler(event(`acme%23${encodeURIComponent(spacedVisa)}`), refusedContext),
      );
      const refusedPlain = await captureOutput(() =>
        handler(event(`acme%23${visa}`), lambdaContext("transaction-status")),
      );
      // Assess
      expect(answerOf(lookedUp).statusCode).to.equal(404);
      expect(answerOf(refused).statusCode).to.equal(400);
      expect(answerOf(refusedPlain).statusCode).to.equal(400);
      for (const captured of [lookedUp, refused, refusedPlain]) expectNothingSensitive(captured);
      expect(lookedUp.logs.at(-1)).to.include({
        correlationId: "acme#tx-status-redaction",
        transactionId: "acme#tx-status-redaction",
        apiRequestId: "api-request-1",
      });
      expectCorrelatedBy(refused, refusedContext.awsRequestId);
      for (const log of refused.logs) {
        expect(log).not.to.have.property("transactionId");
        expect(log).not.to.have.property("apiRequestId");
      }
      // The outcome dimension stays on StatusLookups' own document.
      for (const captured of [lookedUp, refused]) {
        const [lookups] = emfWith(captured, "StatusLookups");
        expect(dimensionsOf(lookups)).to.deep.equal([["service", "outcome"]]);
        expect(lookups._aws.CloudWatchMetrics[0].Metrics.map((metric) => metric.Name)).to.deep.equal([
          "StatusLookups",
        ]);
      }
    });

    describe("webhook-intake", () => {
      const acmeSecret = newStandardWebhooksSecret();
      const stripeSecret = `whsec_${randomBytes(24).toString("hex")}`;
      const eventBridge = new EventBridgeClient({ region: localRegion, credentials: localCredentials });
      let eventBridgeMock: AwsClientStub<EventBridgeClient>;
      let handle: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
      let sequence = 0;

      /** The secrets and every part of them that could identify them in a log line. */
      const secrets = [acmeSecret, acmeSecret.slice("whsec_".length), stripeSecret, "whsec_"];

      function signatureParts(event: APIGatewayProxyEvent): string[] {
        const standard = event.headers["webhook-signature"];
        const stripe = event.headers["Stripe-Signature"];
        return [
          ...(standard ? [standard, standard.slice("v1,".length)] : []),
          // `t=<timestamp>,v1=<signature>`: the signature is the secret-derived part.
          ...(stripe ? [stripe, ...stripe.split(",").filter((part) => part.startsWith("v1="))] : []),
        ];
      }

      before(() => {
        eventBridgeMock = mockClient(eventBridge);
        const { createWebhookIntakeHandler } = runtime.load<IntakeModule>("webhook-intake/webhookIntake");
        // Same module generation: no forgetting between the two loads.
        const { staticSigningProviders } = loadFunctionModule<SourceModule>(
          "webhook-intake/signingSecretSource",
        );
        handle = createWebhookIntakeHandler({
          config: {
            intakeTableName: runtime.intakeTableName,
            eventBusName: "transactions-redaction-test",
            maxBodyBytes: 4096,
            retentionHours: 96,
            maxAmountUsdMinor: 100_000_000n,
          },
          signingProviders: staticSigningProviders([
            { name: "acme", scheme: "standard-webhooks", secrets: [acmeSecret] },
            { name: "cardco", scheme: "stripe", secrets: [stripeSecret] },
          ]),
          documentClient: runtime.documentClient,
          eventBridge,
        });
      });

      beforeEach(() => {
        eventBridgeMock.reset();
        eventBridgeMock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
          FailedEntryCount: 0,
          Entries: (input.Entries ?? []).map(() => ({ EventId: "event-redaction" })),
        }));
      });

      after(() => {
        eventBridgeMock.restore();
      });

      function cleanBody(): Record<string, unknown> {
        sequence += 1;
        return webhookBody({ transaction_id: `tx-redaction-${sequence}` });
      }

      const cardBody = webhookBody({
        transaction_id: visa,
        customer_id: spacedVisa,
        merchant_id: dashedMastercard,
        customer_name: amex,
        merchant_name: `Shop ${discover}`,
        metadata: { note: dashedVisa, [mastercard]: "as a key", nested: { card: visa } },
      });

      it("masks a card number in the webhook id it correlates by, and refuses the delivery", async () => {
        const request = standardWebhooksRequest(JSON.stringify(cleanBody()), acmeSecret, {
          deliveryId: `msg_${spacedVisa}`,
        });

        const captured = await captureOutput(() => handle(request, lambdaContext("webhook-intake")));

        expect(answerOf(captured).statusCode).to.equal(400);
        expectNothingSensitive(captured, [...secrets, ...signatureParts(request)]);
        expectCorrelatedBy(captured, "msg_**** **** **** 1111");
        expect(captured.logs.at(-1)).to.include({
          webhookId: "msg_**** **** **** 1111",
          code: "PAN_DETECTED",
          field: "headers",
        });
        expect(emfWith(captured, "WebhooksAccepted")).to.have.length(0);
      });

      it("writes no card number of a body full of them, signed by either scheme", async () => {
        const standard = standardWebhooksRequest(JSON.stringify(cardBody), acmeSecret, {
          deliveryId: `msg_${visa}`,
        });
        const stripe = stripeRequest(JSON.stringify(cardBody), stripeSecret);
        const stripeContext = lambdaContext("webhook-intake");

        const standardRun = await captureOutput(() => handle(standard, lambdaContext("webhook-intake")));
        const stripeRun = await captureOutput(() => handle(stripe, stripeContext));

        expect(answerOf(standardRun).statusCode).to.equal(400);
        expect(answerOf(stripeRun).statusCode).to.equal(400);
        expectNothingSensitive(standardRun, [...secrets, ...signatureParts(standard)]);
        expectNothingSensitive(stripeRun, [...secrets, ...signatureParts(stripe)]);
        expectCorrelatedBy(standardRun, "msg_************1111");
        // Stripe's scheme has no delivery id and the body named no valid transaction.
        expectCorrelatedBy(stripeRun, stripeContext.awsRequestId);
      });

      it("writes neither the secret nor the signature of a delivery signed with another secret", async () => {
        const forged = standardWebhooksRequest(JSON.stringify(cardBody), newStandardWebhooksSecret(), {
          deliveryId: `msg_${visa}`,
        });
        const context = lambdaContext("webhook-intake");

        const captured = await captureOutput(() => handle(forged, context));

        expect(answerOf(captured).statusCode).to.equal(401);
        expectNothingSensitive(captured, [...secrets, ...signatureParts(forged)]);
        // An unverified webhook id is not one to correlate by.
        expectCorrelatedBy(captured, context.awsRequestId);
        expect(captured.logs.map((log) => log.reason)).to.deep.equal(["SIGNATURE_MISMATCH"]);
      });

      it("correlates a Stripe delivery by its transaction key once the body is valid", async () => {
        const body = cleanBody();
        const request = stripeRequest(JSON.stringify(body), stripeSecret);

        const captured = await captureOutput(() => handle(request, lambdaContext("webhook-intake")));

        expect(answerOf(captured).statusCode).to.equal(202);
        expectNothingSensitive(captured, [...secrets, ...signatureParts(request)]);
        expect(captured.logs.at(-1)).to.include({
          correlationId: `cardco#${String(body.transaction_id)}`,
          transactionId: `cardco#${String(body.transaction_id)}`,
        });
        expect(captured.logs.at(-1)).not.to.have.property("webhookId");
      });
    });
  });

  describe("CSV intake and file status (dynalite, fauxqs)", () => {
    let bench: Awaited<ReturnType<typeof startCsvIntakeBench>>;
    let intake: CsvIntakeModule["handler"];
    let fileStatus: FileStatusModule["handler"];

    before(async () => {
      bench = await startCsvIntakeBench();
      // The bench restores the environment when it stops.
      Object.assign(process.env, verbose);
      intake = bench.load<CsvIntakeModule>("csv-intake/index").handler;
      fileStatus = loadFunctionModule<FileStatusModule>("file-status/index").handler;
    });

    after(async () => {
      await bench?.stop();
    });

    const cardFile =
      csvLine([...minimalHeader, "customer_id", "note"]) +
      csvLine([...minimalRow("tx-csv-clean"), "customer-1", "fine"]) +
      csvLine([...minimalRow(visa), "customer-2", "id"]) +
      csvLine([...minimalRow("tx-csv-2", { merchant: `Shop ${spacedVisa}` }), "customer-3", "merchant"]) +
      csvLine([...minimalRow("tx-csv-3"), dashedMastercard, "customer"]) +
      csvLine([...minimalRow("tx-csv-4"), "customer-4", `note ${amex}`]);

    it("POST /upload: writes no card number from the cells, and correlates by the new file id", async () => {
      const captured = await captureOutput(() => intake(uploadEvent(cardFile), lambdaContext("csv-intake")));

      const answer = answerOf(captured) as APIGatewayProxyResult;
      const fileId = (JSON.parse(answer.body) as { file_id: string }).file_id;
      expectNothingSensitive(captured);
      expectCorrelatedBy(captured, fileId);
      expect(captured.logs.at(-1)).to.include({
        fileId,
        apiRequestId: uploadEvent("").requestContext.requestId,
      });
    });

    it("POST /upload: writes no card number from a header, and POST /uploads none either", async () => {
      const cardHeader = csvLine([...minimalHeader, discover]) + csvLine([...minimalRow("tx-h"), "x"]);

      const upload = await captureOutput(() => intake(uploadEvent(cardHeader), lambdaContext("csv-intake")));
      const presigned = await captureOutput(() => intake(uploadsEvent(), lambdaContext("csv-intake")));

      for (const captured of [upload, presigned]) {
        answerOf(captured);
        expectNothingSensitive(captured);
        expect(correlationIds(captured)).not.to.have.length(0);
      }
    });

    it("S3 events: masks a card number in the object key, as correlation id and in the ignored key", async () => {
      const fileIdEvent = objectCreatedEvent(bench.bucket, `uploads/${dashedVisa}.csv`, {
        size: 10,
        eTag: "0123456789abcdef",
      });
      const ignoredContext = lambdaContext("csv-intake");
      const ignoredEvent = objectCreatedEvent(bench.bucket, `uploads/card ${visa}.csv`, {
        size: 10,
        eTag: "0123456789abcdef",
      });

      const unknownFile = await captureOutput(() => intake(fileIdEvent, lambdaContext("csv-intake")));
      const ignored = await captureOutput(() => intake(ignoredEvent, ignoredContext));

      expect(answerOf(unknownFile)).to.deep.include({
        records: [{ key: `uploads/${dashedVisa}.csv`, fileId: dashedVisa, outcome: "UnknownFile" }],
      });
      expectNothingSensitive(unknownFile);
      expectNothingSensitive(ignored);
      expectCorrelatedBy(unknownFile, "****-****-****-1111");
      expectCorrelatedBy(ignored, ignoredContext.awsRequestId);
    });

    it("GET /files: refuses a card number in the file id without logging it; the outcome dimension stays on FileStatusLookups", async () => {
      // One at a time: each capture replaces the stream writers for its own call only.
      const dashed = await captureOutput(() =>
        fileStatus(getFileEvent(dashedVisa), lambdaContext("file-status")),
      );
      const plain = await captureOutput(() => fileStatus(getFileEvent(visa), lambdaContext("file-status")));
      const spaced = await captureOutput(() =>
        fileStatus(getFileEvent(spacedVisa), lambdaContext("file-status")),
      );

      // A card number in the path is refused before the file id is looked up or correlated by.
      expect(answerOf(dashed).statusCode).to.equal(400);
      expect(answerOf(plain).statusCode).to.equal(400);
      expect(answerOf(spaced).statusCode).to.equal(400);
      for (const captured of [dashed, plain, spaced]) {
        expectNothingSensitive(captured);
        correlationIds(captured);
        const [document] = emfWith(captured, "FileStatusLookups");
        expect(dimensionsOf(document)).to.deep.equal([["service", "outcome"]]);
      }
      expect(emfWith(dashed, "FileStatusLookups")[0]).to.include({ outcome: "InvalidRequest" });
      expect(emfWith(spaced, "FileStatusLookups")[0]).to.include({ outcome: "InvalidRequest" });
    });
  });

  describe("CSV load and notifier (dynalite, fauxqs)", () => {
    const snapshot = { ...process.env };
    let bench: Awaited<ReturnType<typeof startCsvLoadBench>>;
    let transform: TransformModule["handler"];
    let notify: NotifierModule["handler"];
    let eventBridgeMock: AwsClientStub<EventBridgeClient>;
    const fileId = "redaction-load-0001";
    /** A file id that is a card number: its rows are refused (the id is in their metadata), its lines masked. */
    const cardFileId = dashedVisa;
    const rows =
      csvLine(minimalHeader) +
      csvLine(minimalRow("load-row-1")) +
      csvLine(minimalRow("load-row-2")) +
      csvLine(minimalRow(visa)) +
      csvLine(minimalRow("load-row-3", { merchant: spacedVisa })) +
      csvLine(minimalRow("load-row-4", { currency: dashedMastercard }));

    function validatedEvent(id: string) {
      return objectCreatedEvent(bench.transformConfig.uploadsBucket, `validated/${id}.csv`, {
        size: rows.length,
        eTag: "0123456789abcdef",
      });
    }

    before(async () => {
      bench = await startCsvLoadBench();
      const config = bench.transformConfig;
      setFunctionEnvironment({
        tableName: "transactions-unused",
        dynamoDbEndpoint: bench.emulators.dynamoDbEndpoint,
      });
      Object.assign(process.env, verbose, {
        [EnvironmentName.uploadsBucket]: config.uploadsBucket,
        [EnvironmentName.fileStatusTable]: config.fileStatusTable,
        [EnvironmentName.intakeTable]: config.intakeTable,
        [EnvironmentName.eventBusName]: config.eventBusName,
        [EnvironmentName.alertsTopicArn]: config.alertsTopicArn,
        [EnvironmentName.s3Endpoint]: bench.emulators.messagingEndpoint,
        [EnvironmentName.snsEndpoint]: bench.emulators.messagingEndpoint,
        [EnvironmentName.eventBridgeEndpoint]: "http://127.0.0.1:9",
      });
      // One container's worth of modules, as the local runtime loads them.
      forgetFunctionModules();
      transform = loadFunctionModule<TransformModule>("csv-transform/index").handler;
      notify = loadFunctionModule<NotifierModule>("notifier/index").handler;
      eventBridgeMock = mockClient(
        loadFunctionModule<EventBridgeModule>("shared/eventBridge").eventBridgeClient,
      );
      eventBridgeMock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
        FailedEntryCount: 0,
        Entries: (input.Entries ?? []).map(() => ({ EventId: "event-redaction" })),
      }));
      await bench.putValidatedFile(fileId, rows);
      await bench.putValidatedFile(cardFileId, rows);
    });

    after(async () => {
      eventBridgeMock?.restore();
      forgetFunctionModules();
      restoreEnvironment(snapshot);
      await bench?.stop();
    });

    it("csv-transform: writes no card number from the cells, and correlates by the file id", async () => {
      const captured = await captureOutput<CsvTransformResult>(() =>
        transform(validatedEvent(fileId), lambdaContext("csv-transform")),
      );

      expect(answerOf(captured).files).to.deep.equal([
        { fileId, outcome: "loaded", checkpointLine: 6, publishedRows: 2, alreadyReceivedRows: 0 },
      ]);
      expectNothingSensitive(captured);
      expectCorrelatedBy(captured, fileId);
    });

    it("csv-transform: masks a card-number file id on every line", async () => {
      const captured = await captureOutput<CsvTransformResult>(() =>
        transform(validatedEvent(cardFileId), lambdaContext("csv-transform")),
      );

      expect(answerOf(captured).files[0]).to.deep.include({ fileId: cardFileId, publishedRows: 0 });
      expectNothingSensitive(captured);
      expectCorrelatedBy(captured, "****-****-****-1111");
      expect(captured.logs.map((log) => log.fileId)).to.deep.equal(
        captured.logs.map(() => "****-****-****-1111"),
      );
    });

    it("csv-transform: a failure naming a card-number file id is logged masked", async () => {
      const context = lambdaContext("csv-transform");

      const captured = await captureOutput(() =>
        transform({ continueFile: { fileId: dashedMastercard } }, context),
      );

      expect(captured.outcome.status).to.equal("rejected");
      expectNothingSensitive(captured);
      expectCorrelatedBy(captured, "****-****-****-5559");
      expect(JSON.stringify(captured.logs)).to.contain("FileNotReadyError");
    });

    it("notifier: counts a CSV row on its file and every decision by itself, with the decision dimension alone", async () => {
      const row = await captureOutput<NotifierResult>(() =>
        notify(processedEvent("csv#load-row-1", "APPROVED"), lambdaContext("notifier")),
      );
      const webhook = await captureOutput<NotifierResult>(() =>
        notify(processedEvent(`acme#${visa}`, "REVIEW"), lambdaContext("notifier")),
      );
      const unknownRow = await captureOutput<NotifierResult>(() =>
        notify(
          processedEvent(`csv#${spacedVisa}`, "REJECTED", { time: "2025-11-14T22:00:00Z" }),
          lambdaContext("notifier"),
        ),
      );

      expect(answerOf(row)).to.deep.equal({ outcome: "counted", fileId, completed: false });
      expect(answerOf(webhook)).to.deep.equal({ outcome: "notFromFile" });
      expect(answerOf(unknownRow)).to.deep.equal({ outcome: "ignored", reason: "UNKNOWN_TRANSACTION" });
      for (const captured of [row, webhook, unknownRow]) expectNothingSensitive(captured);
      expectCorrelatedBy(row, "csv#load-row-1");
      expect(row.logs.at(-1)).to.include({ transactionId: "csv#load-row-1", fileId });
      expect(webhook.logs).to.deep.equal([]);
      expectCorrelatedBy(unknownRow, "csv#**** **** **** 1111");
      // TransactionsDecided alone with its decision; the notifier's other counts without it.
      const decided = [row, webhook, unknownRow].map((captured) => emfWith(captured, "TransactionsDecided"));
      expect(decided.map((documents) => documents.map((document) => document.decision))).to.deep.equal([
        ["APPROVED"],
        ["REVIEW"],
        ["REJECTED"],
      ]);
      for (const [document] of decided) {
        expect(dimensionsOf(document)).to.deep.equal([["service", "decision"]]);
        expect(document._aws.CloudWatchMetrics[0].Metrics).to.deep.equal([
          { Name: "TransactionsDecided", Unit: "Count" },
        ]);
      }
      const [counted] = emfWith(row, "DecisionsCounted");
      expect(dimensionsOf(counted)).to.deep.equal([["service"]]);
      expect(counted).not.to.have.property("decision");
    });
  });

  describe("archival (dynalite, fauxqs)", () => {
    const snapshot = { ...process.env };
    let bench: Awaited<ReturnType<typeof startArchiveBench>>;

    before(async () => {
      bench = await startArchiveBench();
      const scene = await bench.newScene();
      setFunctionEnvironment({
        tableName: scene.config.transactionsTable,
        dynamoDbEndpoint: bench.emulators.dynamoDbEndpoint,
      });
      Object.assign(process.env, verbose, {
        [EnvironmentName.archivedTransactionsTable]: scene.config.archivedTransactionsTable,
        [EnvironmentName.archiveBucket]: scene.config.archiveBucket,
        [EnvironmentName.s3Endpoint]: bench.emulators.messagingEndpoint,
      });
      const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
      await putItems(
        bench.testDynamoDb,
        scene.config.transactionsTable,
        decidedOn(day, 3, visa, 60_000, "01:00:00"),
      );
    });

    after(async () => {
      forgetFunctionModules();
      restoreEnvironment(snapshot);
      await bench?.stop();
    });

    it("correlates a run by its masked schedule event id and each line after a day's start by its partition", async () => {
      forgetFunctionModules();
      const { handler } = loadFunctionModule<ArchivalModule>("archival/index");
      const event = { ...scheduledEvent, id: visa, time: spacedVisa };

      const captured = await captureOutput(() => handler(event, lambdaContext("archival", 120_000)));

      expect(answerOf(captured)).to.deep.include({ archived: 3, complete: true });
      expectNothingSensitive(captured);
      expectCorrelatedBy(captured, "************1111");
      expect(captured.logs.at(-1)).to.include({
        scheduleEventId: "************1111",
        scheduledTime: "**** **** **** 1111",
      });
      const written = captured.logs.find((log) => log.message === "Archive part written");
      expect(written?.partition).to.match(/^dt=\d{4}-\d{2}-\d{2}$/);
      expect(emfWith(captured, "ArchivalRuns")).to.have.length(1);
    });
  });
});
