/**
 * The AWS SDK as functions/build.ts bundles it still does its job: the bundle plugins rewrite the
 * SDK's schema files and leave out event streams and the X-Ray SDK's v2 patcher, so a script
 * bundled with the same plugins makes real S3, DynamoDB, SNS and SQS calls against the local
 * emulators (the operations the functions use: objects and their versions, conditional items and
 * queries, publishes, messages, a client traced by X-Ray inside a Lambda segment) and reads
 * exactly what the same script bundled without the plugins reads; what was left out says so if it
 * is ever called. What this cannot prove: the services' own
 * behaviour, which the emulators only imitate (fauxqs lists no object versions, for one).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { build, type Metafile } from "esbuild";
import { bundlePlugins } from "../../functions/build";
import { startEmulators, type Emulators } from "../../local/emulators";

const run = promisify(execFile);

const script = `
import { S3Client, CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, GetObjectCommand,
  HeadObjectCommand, ListObjectVersionsCommand, DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { DynamoDBClient, CreateTableCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { SNSClient, CreateTopicCommand, PublishCommand } from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import xray from "aws-xray-sdk-core";
import { S3Schema } from "@aws-lambda-powertools/parser/schemas/s3";

const messaging = process.env.MESSAGING_ENDPOINT;
const s3 = new S3Client({ endpoint: messaging, forcePathStyle: true });
const dynamo = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT });
const documents = DynamoDBDocumentClient.from(dynamo);
const sns = new SNSClient({ endpoint: messaging });
const sqs = new SQSClient({ endpoint: messaging });

async function main() {
  await s3.send(new CreateBucketCommand({ Bucket: "bundle-test" }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: "bundle-test", VersioningConfiguration: { Status: "Enabled" } }));
  await s3.send(new PutObjectCommand({ Bucket: "bundle-test", Key: "uploads/a b.csv", Body: "id,amount\\n1,2.50\\n",
    ContentType: "text/csv", Metadata: { "file-id": "f-1" } }));
  const object = await s3.send(new GetObjectCommand({ Bucket: "bundle-test", Key: "uploads/a b.csv" }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: "bundle-test", Key: "uploads/a b.csv" }));
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "bundle-test", Prefix: "uploads/" }));
  const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: "bundle-test",
    Delete: { Objects: [{ Key: "uploads/a b.csv" }] } }));

  await dynamo.send(new CreateTableCommand({ TableName: "bundle-test", BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }] }));
  await documents.send(new PutCommand({ TableName: "bundle-test", Item: { pk: "csv#1", sk: 1, amount: "2.50", tags: ["a"] },
    ConditionExpression: "attribute_not_exists(pk)" }));
  let conflict = "none";
  try {
    await documents.send(new PutCommand({ TableName: "bundle-test", Item: { pk: "csv#1", sk: 1 },
      ConditionExpression: "attribute_not_exists(pk)" }));
  } catch (error) {
    conflict = error.name;
  }
  const item = await documents.send(new GetCommand({ TableName: "bundle-test", Key: { pk: "csv#1", sk: 1 } }));
  const query = await documents.send(new QueryCommand({ TableName: "bundle-test", KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": "csv#1" } }));

  const topic = await sns.send(new CreateTopicCommand({ Name: "bundle-test" }));
  const published = await sns.send(new PublishCommand({ TopicArn: topic.TopicArn, Message: "done",
    MessageAttributes: { status: { DataType: "String", StringValue: "REVIEW" } } }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: "bundle-test" }));
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: "dead letter" }));
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, WaitTimeSeconds: 0 }));

  // Traced as the functions trace their clients, inside a Lambda invocation's segment.
  const traced = xray.captureAWSv3Client(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT }));
  const tracedTables = await xray.captureAsyncFunc("## handler", async (subsegment) => {
    const tables = await traced.send(new ListTablesCommand({}));
    subsegment.close();
    return tables.TableNames;
  });

  // Checksums as S3 computes and checks them by default (CRC32, in Node's zlib) and on request.
  await s3.send(new PutObjectCommand({ Bucket: "bundle-test", Key: "checked.csv", Body: "id\\n1\\n", ChecksumAlgorithm: "SHA256" }));
  await s3.send(new PutObjectCommand({ Bucket: "bundle-test", Key: "checked.csv", Body: "id\\n2\\n", ChecksumAlgorithm: "SHA1" }));
  await s3.send(new PutObjectCommand({ Bucket: "bundle-test", Key: "checked.csv", Body: "id\\n3\\n" }));
  const checked = await s3.send(new GetObjectCommand({ Bucket: "bundle-test", Key: "checked.csv", ChecksumMode: "ENABLED" }));
  // Settings in no environment variable come from the defaults (no shared config files here).
  const settings = { fips: await s3.config.useFipsEndpoint(), dualStack: await dynamo.config.useDualstackEndpoint(),
    retryMode: await sqs.config.retryMode() };

  // Powertools' S3 event schema, as the CSV functions read their events.
  const s3Event = { Records: [{ eventVersion: "2.1", eventSource: "aws:s3", awsRegion: "us-east-1",
    eventTime: "2026-12-07T10:00:00.000Z", eventName: "ObjectCreated:Put", userIdentity: { principalId: "AWS:X" },
    requestParameters: { sourceIPAddress: "10.0.0.1" }, responseElements: { "x-amz-request-id": "r", "x-amz-id-2": "i" },
    s3: { s3SchemaVersion: "1.0", configurationId: "c", bucket: { name: "b", ownerIdentity: { principalId: "p" },
      arn: "arn:aws:s3:::b" }, object: { key: "uploads/a+b.csv", size: 17, eTag: "e", sequencer: "s" } } }] };
  const parsedEvent = S3Schema.parse(s3Event);
  const standardEvent = S3Schema["~standard"].validate(s3Event);
  const rejectedEvent = S3Schema.safeParse({ Records: [{ ...s3Event.Records[0], eventTime: "yesterday",
    requestParameters: { sourceIPAddress: "not an address" } }] });

  const leftOut = (call) => {
    try {
      call();
      return "ran";
    } catch (error) {
      return error.message;
    }
  };
  const v2Capture = leftOut(() => xray.captureAWS({}));
  // Without AWS_REGION (never so in Lambda) the region would come from the instance metadata service.
  const region = process.env.AWS_REGION;
  delete process.env.AWS_REGION;
  const noRegion = await new SNSClient({}).config.region().then(() => "found", (error) => error.message);
  process.env.AWS_REGION = region;
  const leftOutMessages = {
    promisePatcher: leftOut(() => xray.capturePromise()),
    ec2Plugin: leftOut(() => xray.plugins.EC2Plugin.getData(() => {})),
    s3EventStreams: leftOut(() => s3.config.eventStreamMarshaller.deserialize()),
    jsonSchema: leftOut(() => S3Schema.toJSONSchema()),
    noRegion,
  };
  process.stdout.write(JSON.stringify({
    body: await object.Body.transformToString(),
    metadata: object.Metadata,
    contentLength: head.ContentLength,
    versions: (versions.Versions ?? []).map((version) => version.Key),
    deleted: (deleted.Deleted ?? []).map((entry) => entry.Key),
    conflict,
    item: item.Item,
    queried: query.Count,
    published: typeof published.MessageId,
    received: (received.Messages ?? []).map((message) => message.Body),
    tracedTables,
    sampler: typeof xray.middleware.sampler.shouldSample,
    checkedBody: await checked.Body.transformToString(),
    settings,
    parsedEvent,
    standardEvent,
    rejectedEvent: rejectedEvent.error.issues,
    v2Capture,
    leftOutMessages,
  }));
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`;

describe("function bundles: the SDK clients as bundled", function () {
  this.timeout(120_000);
  let emulators: Emulators;
  let outputRoot: string;
  let outfile: string;
  let plainOutfile: string;
  let metafile: Metafile;

  before(async () => {
    emulators = await startEmulators();
    outputRoot = mkdtempSync(path.join(os.tmpdir(), "bundle-clients-"));
    outfile = path.join(outputRoot, "clients.js");
    plainOutfile = path.join(outputRoot, "clients-without-plugins.js");
    const options = {
      stdin: { contents: script, resolveDir: path.resolve(__dirname, "..", ".."), loader: "js" as const },
      metafile: true,
      bundle: true,
      platform: "node" as const,
      target: "node22",
      format: "cjs" as const,
      minify: true,
      mainFields: ["module", "main"],
      logLevel: "error" as const,
    };
    metafile = (await build({ ...options, outfile, plugins: [...bundlePlugins] })).metafile ?? {
      inputs: {},
      outputs: {},
    };
    await build({ ...options, outfile: plainOutfile });
  });

  async function runScript(file: string): Promise<Record<string, unknown>> {
    const { stdout } = await run(process.execPath, [file], {
      env: {
        PATH: process.env.PATH ?? "",
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        DYNAMODB_ENDPOINT: emulators.dynamoDbEndpoint,
        MESSAGING_ENDPOINT: emulators.messagingEndpoint,
        // The X-Ray SDK sets itself up for Lambda (facade segment, local sampler) when it sees these.
        LAMBDA_TASK_ROOT: os.tmpdir(),
        _X_AMZN_TRACE_ID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1:2000",
      },
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  after(async () => {
    rmSync(outputRoot, { recursive: true, force: true });
    await emulators.stop();
  });

  it("calls S3, DynamoDB, SNS and SQS and reads what the SDK bundled without the plugins reads", async () => {
    // Act (each run creates the same resources, so the emulators restart in between)
    const { v2Capture, leftOutMessages, ...withPlugins } = await runScript(outfile);
    await emulators.stop();
    emulators = await startEmulators();
    const {
      v2Capture: plainV2Capture,
      leftOutMessages: plainLeftOutMessages,
      ...withoutPlugins
    } = await runScript(plainOutfile);
    // Assess
    expect(withPlugins).to.deep.equal(withoutPlugins);
    expect(withPlugins).to.deep.include({
      body: "id,amount\n1,2.50\n",
      metadata: { "file-id": "f-1" },
      contentLength: 17,
      deleted: ["uploads/a b.csv"],
      conflict: "ConditionalCheckFailedException",
      item: { pk: "csv#1", sk: 1, amount: "2.50", tags: ["a"] },
      queried: 1,
      published: "string",
      received: ["dead letter"],
      tracedTables: ["bundle-test"],
      sampler: "function",
      checkedBody: "id\n3\n",
      settings: { fips: false, dualStack: false, retryMode: "standard" },
    });
    expect(withPlugins.rejectedEvent).to.have.length(2);
    expect(v2Capture).to.equal(
      "the AWS SDK v2 is not in this bundle: trace v3 clients with captureAWSv3Client",
    );
    expect(plainV2Capture).not.to.equal(v2Capture);
    expect(leftOutMessages).to.deep.equal({
      promisePatcher:
        "the X-Ray SDK's promise patcher is not in this bundle: nothing here calls capturePromise",
      ec2Plugin: "the X-Ray SDK's AWS::EC2::Instance plugin is not in this bundle: Lambda makes the segment",
      s3EventStreams: "event-stream operations are not in this bundle: no pipeline function calls one",
      jsonSchema: "JSON Schema conversion is not in this bundle: the functions only parse with zod",
      noRegion: "the instance metadata service is not in this bundle: Lambda sets AWS_REGION",
    });
    expect(plainLeftOutMessages).not.to.deep.equal(leftOutMessages);
  });

  it("leaves out the unused operation schemas, the on-demand event streams, semver and X-Ray's centralized sampler", () => {
    const code = readFileSync(outfile, "utf8");
    // An operation the script never calls: its schema (and its HTTP trait) is gone.
    expect(code).to.include("/?versions");
    expect(code).not.to.include("/?analytics");
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((input) => /node_modules\/semver\//.test(input))).to.deep.equal([]);
    expect(
      inputs.filter((input) => /sampling\/(default_sampler|rule_poller|service_connector)/.test(input)),
    ).to.deep.equal([]);
    expect(inputs).to.include("no-on-demand-event-streams:@smithy/core/event-streams");
  });

  it("leaves out S3's event-stream codecs, the JavaScript hash fallbacks, the shared config file reader and zod's unused API", () => {
    // Files that left code in the bundle (a module only re-exported, then shaken off, leaves none).
    const inputs = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([file]) => file),
    );
    expect(inputs.filter((input) => /event-streams\/eventstream-codec\//.test(input))).to.deep.equal([]);
    expect(inputs.filter((input) => /(Sha256Js|Sha1Js|Md5Js|Crc32Js)\.js$/.test(input))).to.deep.equal([]);
    expect(
      inputs.filter((input) => /shared-ini-file-loader\/(parseIni|readFile)\.js$/.test(input)),
    ).to.deep.equal([]);
    expect(
      inputs.filter((input) =>
        /zod\/v4\/(core\/(compile|to-json-schema|json-schema-processors)|classic\/from-json-schema)\.js$/.test(
          input,
        ),
      ),
    ).to.deep.equal([]);
    expect(
      inputs.filter((input) =>
        /(aws-xray-sdk-core\/.*\/(ec2_plugin|promise_p)|regionConfig\/getInstanceMetadataRegion)\.js$/.test(
          input,
        ),
      ),
    ).to.deep.equal([]);
  });
});
