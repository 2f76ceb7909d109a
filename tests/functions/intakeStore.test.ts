/**
 * The intake claim is one conditional put: when the key is taken, the failed put's own answer
 * (ReturnValuesOnConditionCheckFailure: ALL_OLD) decides, with no read. DynamoDB answered by
 * aws-sdk-client-mock, as the local emulator (dynalite) ignores that parameter; the read that
 * stands in for it there is covered here and, against dynalite, in webhookIntake.test.ts.
 */
import { expect } from "chai";
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { IntakeStore, type ClaimRequest } from "../../functions/webhook-intake/intakeStore";
import type { IntakeRecord } from "../../functions/shared/intakeRecord";
import type { TransactionReceivedDetail } from "../../functions/shared/stepContracts";
import { localCredentials, localRegion } from "../../local/awsClients";
import receivedDetail from "./fixtures/transaction-received-detail.json";

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: localRegion, credentials: localCredentials }),
);
const dynamoDbMock = mockClient(documentClient);
const now = new Date("2026-03-01T12:00:00.000Z");

const request: ClaimRequest = {
  transactionId: "acme#tx-1",
  source: "webhook",
  provider: "acme",
  payloadHash: "hash-1",
  now,
  leaseMs: 30_000,
  retentionHours: 96,
  received: receivedDetail as TransactionReceivedDetail,
};

function held(changes: Partial<IntakeRecord>): IntakeRecord {
  return {
    transactionId: request.transactionId,
    state: "PENDING",
    source: "webhook",
    provider: "acme",
    payloadHash: request.payloadHash,
    receivedAt: "2026-03-01T11:59:50.000Z",
    leaseUntil: now.getTime() + 20_000,
    attemptId: "attempt-first",
    expiresAt: 1_772_712_000,
    ...changes,
  };
}

/** The failure DynamoDB answers a put whose key is taken; `holder` undefined as dynalite answers it. */
function keyTaken(holder: IntakeRecord | undefined): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: "The conditional request failed",
    $metadata: {},
    ...(holder ? { Item: marshall(holder, { removeUndefinedValues: true }) } : {}),
  });
}

describe("intake claim (one conditional put)", () => {
  beforeEach(() => dynamoDbMock.reset());
  after(() => dynamoDbMock.restore());

  it("asks the put for the record holding the key", async () => {
    // Prepare
    dynamoDbMock.on(PutCommand).resolves({});
    // Act
    const claim = await new IntakeStore(documentClient, "intake").claim(request);
    // Assess
    expect(claim.kind).to.equal("claimed");
    const [put] = dynamoDbMock.commandCalls(PutCommand);
    expect(put.args[0].input).to.include({
      ConditionExpression: "attribute_not_exists(#key)",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    });
  });

  it("answers a repeat delivery from the record the failed put returns, without reading it", async () => {
    // Prepare
    const response = { statusCode: 202, body: '{"transaction_id":"tx-1","status":"RECEIVED"}' };
    dynamoDbMock.on(PutCommand).rejects(keyTaken(held({ state: "ACCEPTED", response })));
    // Act
    const claim = await new IntakeStore(documentClient, "intake").claim(request);
    // Assess
    expect(claim).to.deep.include({ kind: "duplicate", response });
    expect(dynamoDbMock.commandCalls(GetCommand)).to.have.length(0);
  });

  it("tells a conflict and a live claim apart from the returned record", async () => {
    // Prepare
    const store = new IntakeStore(documentClient, "intake");
    dynamoDbMock
      .on(PutCommand)
      .rejectsOnce(keyTaken(held({ payloadHash: "hash-other" })))
      .rejectsOnce(keyTaken(held({})));
    // Act
    const conflict = await store.claim(request);
    const live = await store.claim(request);
    // Assess
    expect(conflict.kind).to.equal("conflict");
    expect(live).to.deep.include({ kind: "inProgress", retryAfterSeconds: 20 });
    expect(dynamoDbMock.commandCalls(GetCommand)).to.have.length(0);
  });

  it("takes over an expired claim named by the returned record, guarded by its attempt id", async () => {
    // Prepare
    dynamoDbMock.on(PutCommand).rejects(keyTaken(held({ leaseUntil: now.getTime() - 1 })));
    dynamoDbMock.on(UpdateCommand).resolves({});
    // Act
    const claim = await new IntakeStore(documentClient, "intake").claim(request);
    // Assess
    expect(claim).to.deep.include({ kind: "claimed", takenOver: true });
    const [update] = dynamoDbMock.commandCalls(UpdateCommand);
    expect(update.args[0].input.ExpressionAttributeValues).to.include({ ":previous": "attempt-first" });
  });

  it("reads the record where the failure carries none (the local emulator)", async () => {
    // Prepare
    dynamoDbMock.on(PutCommand).rejects(keyTaken(undefined));
    dynamoDbMock.on(GetCommand).resolves({ Item: held({ payloadHash: "hash-other" }) });
    // Act
    const claim = await new IntakeStore(documentClient, "intake").claim(request);
    // Assess
    expect(claim.kind).to.equal("conflict");
    expect(dynamoDbMock.commandCalls(GetCommand)).to.have.length(1);
  });
});
