/**
 * Card numbers outside the body (headers, path and query parameters) are found in every rendering
 * and refused without being echoed; ordinary headers and ids are not.
 */
import { expect } from "chai";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { containsPan } from "../../functions/shared/pan";
import { panInRequest } from "../../functions/shared/requestPans";
import getTransactionFixture from "./fixtures/api-gateway/get-transaction.json";
import { cardNumbersByBrand, notCardNumbers, renderings } from "./support/panCorpus";

const baseEvent: APIGatewayProxyEvent = getTransactionFixture;

function withParts(parts: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return { ...structuredClone(baseEvent), ...parts };
}

const placements: ReadonlyArray<readonly [string, (text: string) => APIGatewayProxyEvent]> = [
  ["a header value", (text) => withParts({ headers: { ...baseEvent.headers, "X-Reference": text } })],
  [
    "a header name",
    (text) => withParts({ headers: { ...baseEvent.headers, [text.replace(/\s/g, "-")]: "x" } }),
  ],
  ["a multi-value header", (text) => withParts({ multiValueHeaders: { "X-Reference": ["ok", text] } })],
  ["a path parameter", (text) => withParts({ pathParameters: { transactionId: encodeURIComponent(text) } })],
  ["a query parameter", (text) => withParts({ queryStringParameters: { ref: text } })],
  ["a query parameter name", (text) => withParts({ queryStringParameters: { [text]: "1" } })],
  [
    "a multi-value query parameter",
    (text) => withParts({ multiValueQueryStringParameters: { ref: ["a", text] } }),
  ],
];

describe("card numbers outside the body", () => {
  for (const [where, place] of placements) {
    it(`refuses every brand in every rendering in ${where}, naming where but not the number`, () => {
      const missed: string[] = [];
      for (const [brand, pan] of cardNumbersByBrand) {
        for (const [rendering, render] of renderings) {
          const found = panInRequest(place(render(pan)));
          if (found?.code !== "PAN_DETECTED") missed.push(`${brand} ${rendering}`);
          else expect(containsPan(JSON.stringify(found)), `${brand} ${rendering}`).to.equal(false);
        }
      }
      expect(missed).to.deep.equal([]);
    });
  }

  it("lets ordinary requests and look-alike values through", () => {
    expect(panInRequest(baseEvent)).to.equal(undefined);
    for (const [kind, value] of notCardNumbers) {
      for (const [where, place] of placements) {
        expect(panInRequest(place(value)), `${kind} in ${where}`).to.equal(undefined);
      }
    }
  });
});
