/**
 * API Gateway lets any key of the stage's usage plans through every key-protected method, so each
 * handler checks the caller's key id against the key its route is for (a stage variable).
 */
import { expect } from "chai";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { keyNotAllowedOnRoute } from "../../functions/shared/apiKeyScopes";
import getTransactionFixture from "./fixtures/api-gateway/get-transaction.json";

const statusKeyId = "t8k2m4n6p0";
const uploadKeyId = "u3j5h7g9f1";

function calledWith(
  apiKeyId: string | null,
  stageVariables: Record<string, string> | null,
): APIGatewayProxyEvent {
  const event: APIGatewayProxyEvent = structuredClone(getTransactionFixture);
  event.stageVariables = stageVariables;
  event.requestContext.identity.apiKeyId = apiKeyId;
  return event;
}

const stage = { statusApiKeyId: statusKeyId, uploadApiKeyId: uploadKeyId };

describe("API keys scoped to routes", () => {
  it("lets each key through on its own routes only", () => {
    expect(keyNotAllowedOnRoute(calledWith(statusKeyId, stage), "status")).to.equal(undefined);
    expect(keyNotAllowedOnRoute(calledWith(uploadKeyId, stage), "upload")).to.equal(undefined);
    expect(keyNotAllowedOnRoute(calledWith(uploadKeyId, stage), "status")).to.deep.equal({
      code: "FORBIDDEN",
      message: "This API key is not allowed on this route.",
    });
    expect(keyNotAllowedOnRoute(calledWith(statusKeyId, stage), "upload")).to.have.property(
      "code",
      "FORBIDDEN",
    );
  });

  it("refuses when the stage names no key for the route or the caller presented none", () => {
    expect(keyNotAllowedOnRoute(calledWith(statusKeyId, null), "status")).to.have.property(
      "code",
      "FORBIDDEN",
    );
    expect(
      keyNotAllowedOnRoute(calledWith(statusKeyId, { uploadApiKeyId: uploadKeyId }), "status"),
    ).to.have.property("code", "FORBIDDEN");
    expect(keyNotAllowedOnRoute(calledWith(null, stage), "status")).to.have.property("code", "FORBIDDEN");
    expect(keyNotAllowedOnRoute(calledWith("", { statusApiKeyId: "" }), "status")).to.have.property(
      "code",
      "FORBIDDEN",
    );
  });
});
