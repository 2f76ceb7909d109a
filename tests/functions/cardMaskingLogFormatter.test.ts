/**
 * Every log line is masked where it is formatted, so no code path can forget: messages, attribute
 * values and keys at any depth, errors (message, stack, cause) and the local server's request log.
 */
import { expect } from "chai";
import { Logger } from "@aws-lambda-powertools/logger";
import { containsPan, findPans } from "../../functions/shared/pan";
import { createMaskingLogger } from "../../functions/shared/cardMaskingLogFormatter";
import { startLocalApiServer, type ApiPipeline } from "../../local/apiServer";
import { captureOutput } from "./support/capturedOutput";
import { cardNumbersByBrand, renderings } from "./support/panCorpus";

/** JSON escapes tabs and newlines, so each line is judged as written and as parsed. */
function leaks(line: string): boolean {
  return containsPan(line) || findPans(JSON.parse(line)).length > 0;
}

const answerOk = async () => ({ statusCode: 200, body: "{}" });

describe("card-masking log formatter", () => {
  it(`masks every brand in all ${renderings.length} renderings in messages, attributes, keys and errors`, async () => {
    // Prepare
    const logger = createMaskingLogger({ serviceName: "test", logLevel: "DEBUG" });
    // Act
    const captured = await captureOutput(async () => {
      for (const [, pan] of cardNumbersByBrand) {
        for (const [, render] of renderings) {
          const text = render(pan);
          logger.info(`message ${text}`, {
            value: text,
            nested: { [text]: [text, { deeper: text }] },
            error: new Error(`failed on ${text}`, { cause: new Error(text) }),
          });
        }
      }
    });
    // Assess
    expect(captured.lines).to.have.length(cardNumbersByBrand.length * renderings.length);
    const leaked = captured.lines.filter(leaks);
    expect(leaked).to.deep.equal([]);
  });

  it("keeps what is not a card number as it was", async () => {
    const logger = createMaskingLogger({ serviceName: "test" });
    const captured = await captureOutput(async () => {
      logger.info("order 1765081191000 at 2025-11-14T09:30:00Z", { count: 1765081191000, when: new Date(0) });
    });
    const [line] = captured.logs;
    expect(line).to.include({ message: "order 1765081191000 at 2025-11-14T09:30:00Z", count: 1765081191000 });
    expect(line.when).to.equal("1970-01-01T00:00:00.000Z");
  });

  it("the local server never writes a card number from the path or query to its request log", async () => {
    // Prepare
    const handler = answerOk;
    const pipeline: ApiPipeline = {
      webhook: handler,
      transactionStatus: handler,
      upload: handler,
      uploads: handler,
      fileStatus: handler,
      archive: async () => {
        throw new Error("not used");
      },
    };
    const captured = await captureOutput(async () => {
      const server = await startLocalApiServer({
        pipeline,
        apiKey: "key-12345678",
        uploadApiKey: "upload-12345678",
        port: 0,
      });
      try {
        for (const path of [
          "/transactions/4100282491748633",
          "/files/4111.1111.1111.1111",
          "/transactions/x?ref=4111111111111111",
          "/4111111111111111",
        ]) {
          await fetch(`${server.url}${path}`, { headers: { "x-api-key": "key-12345678" } });
        }
      } finally {
        await server.close();
      }
    });
    // Assess
    expect(captured.logs.filter((line) => line.message === "Request answered")).to.have.length(4);
    expect(captured.lines.filter(leaks)).to.deep.equal([]);
  });

  it("a logger without the formatter would have leaked (the check can fail)", async () => {
    const plain = new Logger({ serviceName: "test" });
    const captured = await captureOutput(async () => plain.info("card 4111.1111.1111.1111"));
    expect(captured.lines.filter(containsPan)).to.have.length(1);
  });
});
