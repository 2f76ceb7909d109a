/**
 * The local ingest API in front of stand-in handlers: the events it builds are the ones API
 * Gateway's REST proxy integration sends, and where no handler is reached it answers as API
 * Gateway does. (The real handlers behind it are driven by tests/e2e/api.)
 */
import { expect } from "chai";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { toApiGatewayEvent } from "../../local/apiGatewayEvent";
import {
  apiGatewayMaxPayloadBytes,
  startLocalApiServer,
  type ApiPipeline,
  type LocalApiServer,
} from "../../local/apiServer";
import { Logger } from "@aws-lambda-powertools/logger";
import { renderLogLine } from "../../local/terminalLogs";

describe("local API server", () => {
  const seen: APIGatewayProxyEvent[] = [];
  let failNext = false;
  const echo = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    seen.push(event);
    if (failNext) {
      failNext = false;
      throw new Error("handler crashed");
    }
    return {
      statusCode: 200,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ok: true }),
    };
  };
  const pipeline: ApiPipeline = {
    webhook: echo,
    transactionStatus: echo,
    upload: echo,
    uploads: echo,
    fileStatus: echo,
    archive: async () => {
      throw new Error("not used");
    },
  };
  let server: LocalApiServer;

  before(async () => {
    server = await startLocalApiServer({
      pipeline,
      apiKey: "key-12345678",
      uploadApiKey: "upload-key-12345678",
      port: 0,
      logger: new Logger({ logLevel: "SILENT" }),
    });
  });

  after(async () => {
    await server?.close();
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it("passes path parameters undecoded, header names as sent and the route template", async () => {
    const answer = await fetch(`${server.url}/transactions/acme%23tx-1?verbose=1&verbose=2`, {
      headers: { "x-api-key": "key-12345678", "X-Custom": "a" },
    });
    expect(answer.status).to.equal(200);
    const [event] = seen;
    expect(event.resource).to.equal("/transactions/{transactionId}");
    expect(event.pathParameters).to.deep.equal({ transactionId: "acme%23tx-1" });
    expect(event.queryStringParameters).to.deep.equal({ verbose: "2" });
    expect(event.multiValueQueryStringParameters).to.deep.equal({ verbose: ["1", "2"] });
    expect(event.headers).to.have.property("x-api-key", "key-12345678");
    expect(event.requestContext).to.include({
      stage: "local",
      resourcePath: "/transactions/{transactionId}",
    });
    expect(event.requestContext.identity.apiKey).to.equal("key-12345678");
    expect(event.body).to.equal(null);
  });

  it("passes a JSON body base64-encoded, byte for byte, as the API's binary media type", async () => {
    const body = Buffer.from([
      ...Buffer.from('{"transaction_id":"tx-\u00e9","x":"'),
      0xff,
      ...Buffer.from('"}'),
    ]);
    await fetch(`${server.url}/webhook`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
    expect(seen[0].isBase64Encoded).to.equal(true);
    expect(Buffer.from(seen[0].body ?? "", "base64").equals(body)).to.equal(true);
    expect(seen[0].requestContext.identity.apiKey, "no key on an open route").to.equal(null);
  });

  it("passes other bodies as text with isBase64Encoded false", async () => {
    const body = "plain é";
    await fetch(`${server.url}/webhook`, { method: "POST", body, headers: { "Content-Type": "text/plain" } });
    expect(seen[0].body).to.equal(body);
    expect(seen[0].isBase64Encoded).to.equal(false);
  });

  it("answers 403 Forbidden without the key and 403 Missing Authentication Token off the route table", async () => {
    const noKey = await fetch(`${server.url}/files/abc`);
    expect(noKey.status).to.equal(403);
    expect(await noKey.json()).to.deep.equal({ message: "Forbidden" });
    const wrongMethod = await fetch(`${server.url}/webhook`);
    expect(wrongMethod.status).to.equal(403);
    expect(await wrongMethod.json()).to.deep.equal({ message: "Missing Authentication Token" });
    expect(seen).to.have.length(0);
  });

  it("answers 502 when the handler throws, and keeps serving", async () => {
    failNext = true;
    const failed = await fetch(`${server.url}/webhook`, { method: "POST", body: "{}" });
    expect(failed.status).to.equal(502);
    expect(await failed.json()).to.deep.equal({ message: "Internal server error" });
    const next = await fetch(`${server.url}/webhook`, { method: "POST", body: "{}" });
    expect(next.status).to.equal(200);
  });

  it("answers 413 above API Gateway's 10 MB payload quota without calling the handler", async () => {
    const answer = await fetch(`${server.url}/upload`, {
      method: "POST",
      headers: { "x-api-key": "key-12345678", "Content-Type": "text/csv" },
      body: Buffer.alloc(apiGatewayMaxPayloadBytes + 1, "a"),
    });
    expect(answer.status).to.equal(413);
    expect(seen).to.have.length(0);
  });

  it("builds null query maps when there is no query string", () => {
    const event = toApiGatewayEvent(
      {
        method: "POST",
        url: "/upload",
        rawHeaders: ["Content-Type", "text/csv"],
        body: Buffer.from("a"),
        sourceIp: "127.0.0.1",
      },
      { resourcePath: "/upload", pathParameters: null },
      { stage: "local" },
    );
    expect(event.queryStringParameters).to.equal(null);
    expect(event.multiValueHeaders).to.deep.equal({ "Content-Type": ["text/csv"] });
  });
});

describe("terminal log rendering", () => {
  it("renders a Powertools record as one line with its extra keys, and leaves other text alone", () => {
    const record = JSON.stringify({
      level: "INFO",
      message: "Webhook accepted",
      timestamp: "2026-11-21T10:00:01.123Z",
      service: "webhook-intake",
      cold_start: true,
      transactionId: "local#tx 1",
    });
    expect(renderLogLine(record, false)).to.equal(
      '10:00:01.123 INFO  webhook-intake     Webhook accepted transactionId="local#tx 1"',
    );
    expect(renderLogLine("plain text", false)).to.equal(undefined);
    const metrics = JSON.stringify({
      _aws: {
        Timestamp: Date.parse("2026-11-21T10:00:02.000Z"),
        CloudWatchMetrics: [
          {
            Namespace: "TransactionPipeline",
            Dimensions: [["service"]],
            Metrics: [{ Name: "FraudScore", Unit: "None" }],
          },
        ],
      },
      service: "fraud-detection",
      FraudScore: [35, 60],
    });
    expect(renderLogLine(metrics, false)).to.equal(
      "10:00:02.000 METRIC fraud-detection    FraudScore=[35,60]",
    );
    expect(renderLogLine('{"not":"a log record"}', false)).to.equal(undefined);
  });
});
