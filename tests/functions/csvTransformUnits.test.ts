/**
 * csv-transform's and the notifier's pure parts (configuration, event parsing, the delivery-id
 * contract between them, the summary) and both handler modules' cold start from their environment.
 */
import { expect } from "chai";
import { loadCsvTransformConfig } from "../../functions/csv-transform/config";
import { transformRequests } from "../../functions/csv-transform/transformEvent";
import { loadNotifierConfig } from "../../functions/notifier/config";
import { EnvironmentName } from "../../functions/shared/environmentNames";
import {
  csvDeliveryId,
  fileSummaryMessage,
  fileSummarySubject,
  parseCsvDeliveryId,
} from "../../functions/shared/fileCompletion";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { startFunctionRuntime } from "./support/functionRuntime";
import { objectCreatedEvent, s3EventOf } from "./support/s3Events";

const transformEnvironment = {
  [EnvironmentName.uploadsBucket]: "uploads",
  [EnvironmentName.fileStatusTable]: "file-status",
  [EnvironmentName.intakeTable]: "intake-records",
  [EnvironmentName.eventBusName]: "transactions",
  [EnvironmentName.alertsTopicArn]: "arn:aws:sns:eu-west-1:123456789012:alerts",
};

type TransformModule = typeof import("../../functions/csv-transform/index");
type NotifierModule = typeof import("../../functions/notifier/index");

describe("csv-transform and notifier: configuration, events and contracts", () => {
  it("reads the transform's configuration with the webhook intake's defaults", () => {
    expect(loadCsvTransformConfig(transformEnvironment)).to.deep.equal({
      uploadsBucket: "uploads",
      fileStatusTable: "file-status",
      intakeTable: "intake-records",
      eventBusName: "transactions",
      alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts",
      maxAmountUsdMinor: 100_000_000n,
      retentionHours: 120,
      fileErrorLimit: 100,
    });
  });

  for (const name of Object.keys(transformEnvironment)) {
    it(`fails the transform's cold start naming ${name} when it is missing`, () => {
      const env: Record<string, string> = { ...transformEnvironment };
      delete env[name];
      expect(() => loadCsvTransformConfig(env))
        .to.throw(name)
        .with.property("name", "MissingEnvironmentError");
    });
  }

  it("refuses an intake-record retention under 96 hours (the dedupe window of re-uploads)", () => {
    expect(() =>
      loadCsvTransformConfig({ ...transformEnvironment, [EnvironmentName.intakeRecordRetentionHours]: "95" }),
    )
      .to.throw(EnvironmentName.intakeRecordRetentionHours)
      .with.property("name", "InvalidEnvironmentError");
  });

  it("reads the notifier's configuration and names a missing variable", () => {
    expect(loadNotifierConfig(transformEnvironment)).to.deep.equal({
      fileStatusTable: "file-status",
      intakeTable: "intake-records",
      alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts",
    });
    expect(() =>
      loadNotifierConfig({ [EnvironmentName.fileStatusTable]: "f", [EnvironmentName.intakeTable]: "i" }),
    )
      .to.throw(EnvironmentName.alertsTopicArn)
      .with.property("name", "MissingEnvironmentError");
  });

  it("reads URL-encoded S3 keys and loads a file once however often the event names it", () => {
    // Prepare: keys as S3 wrote them into the event.
    const record = (eventKey: string) => {
      const event = objectCreatedEvent("uploads", "");
      event.Records[0].s3.object.key = eventKey;
      return event;
    };
    const event = s3EventOf(
      record("validated/file-0001-abc.csv"),
      record("validated%2Ffile-0001-abc.csv"),
      record("validated/file+0002.csv"),
    );
    // Act
    const requests = transformRequests(event, "uploads");
    // Assess
    expect(requests.files).to.deep.equal([{ fileId: "file-0001-abc", trigger: "s3" }]);
    // `+` is an encoded space, and a space is never in a file id.
    expect(requests.ignored).to.deep.equal([
      { reason: "NOT_A_VALIDATED_FILE", key: "validated/file 0002.csv" },
    ]);
  });

  it("reads a continuation event and refuses one with a malformed file id", () => {
    expect(
      transformRequests({ continueFile: { fileId: "file-0001-abc", fromLine: 501 } }, "uploads"),
    ).to.deep.equal({
      files: [{ fileId: "file-0001-abc", trigger: "continue", fromLine: 501 }],
      ignored: [],
    });
    expect(transformRequests({ continueFile: { fileId: "../etc" } }, "uploads")).to.deep.equal({
      files: [],
      ignored: [{ reason: "UNRECOGNISED_EVENT" }],
    });
  });

  it("names a row's delivery by file and line, and reads only such names back", () => {
    expect(csvDeliveryId("file-0001-abc", 42)).to.equal("file-0001-abc:42");
    expect(parseCsvDeliveryId("file-0001-abc:42")).to.deep.equal({ fileId: "file-0001-abc", line: 42 });
    for (const other of [
      undefined,
      "",
      "msg_2KWPBgLlAfxdpx2AI54pPJ85f1W",
      "short:1",
      "file-0001-abc:",
      "a:b:c",
    ]) {
      expect(parseCsvDeliveryId(other), String(other)).to.equal(undefined);
    }
  });

  it("summarises a file in snake_case with every count, absent counts as 0", () => {
    expect(fileSummarySubject("file-0001-abc")).to.equal("CSV file file-0001-abc processed");
    expect(
      fileSummaryMessage({
        fileId: "file-0001-abc",
        status: "COMPLETED",
        via: "upload",
        receivedAt: "2025-11-15T00:00:00.000Z",
        updatedAt: "2025-11-15T00:00:00.000Z",
        rows: 10,
        validRows: 9,
        invalidRows: 1,
        publishedRows: 7,
        alreadyReceivedRows: 2,
        decidedRows: 7,
        approved: 5,
        review: 2,
      }),
    ).to.deep.equal({
      file_id: "file-0001-abc",
      rows: 10,
      valid_rows: 9,
      invalid_rows: 1,
      already_received_rows: 2,
      conflict_rows: 0,
      published_rows: 7,
      approved: 5,
      review: 2,
      rejected: 0,
      dead_lettered: 0,
    });
  });

  it("cold-starts both handler modules from their environment and answers events that are not theirs", async () => {
    const runtime = await startFunctionRuntime({ set: transformEnvironment });
    try {
      const { handler: transform } = runtime.load<TransformModule>("csv-transform/index");
      expect(
        await transform({ Service: "Amazon S3", Event: "s3:TestEvent" }, localLambdaContext("csv-transform")),
      ).to.deep.equal({ files: [], ignored: 1 });
      const { handler: notify } = runtime.load<NotifierModule>("notifier/index");
      expect(await notify({ "detail-type": "Something Else" }, localLambdaContext("notifier"))).to.deep.equal(
        {
          outcome: "ignored",
          reason: "INVALID_EVENT",
        },
      );
    } finally {
      await runtime.stop();
    }
  });

  it("fails the handler modules' cold start naming a missing variable", async () => {
    const runtime = await startFunctionRuntime({
      set: transformEnvironment,
      unset: [EnvironmentName.uploadsBucket, EnvironmentName.alertsTopicArn],
    });
    try {
      expect(() => runtime.load<TransformModule>("csv-transform/index")).to.throw(
        EnvironmentName.uploadsBucket,
      );
      expect(() => runtime.load<NotifierModule>("notifier/index")).to.throw(EnvironmentName.alertsTopicArn);
    } finally {
      await runtime.stop();
    }
  });
});
