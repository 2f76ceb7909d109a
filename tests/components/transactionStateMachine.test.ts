/**
 * TransactionStateMachine component under Pulumi mocks.
 *
 * What a mock test cannot prove: that Step Functions accepts the definition at deploy time (the
 * asl-validator and local-execution suites cover the definition itself), that the role is enough
 * to deliver logs and traces, or that the log group's KMS key policy admits CloudWatch Logs.
 */
import { expect } from "chai";
import { TransactionStateMachine } from "../../components/processing/transactionStateMachine";
import { buildTransactionStateMachineDefinition } from "../../components/processing/stateMachineDefinition/index";
import { transactionStateMachinePolicyStatements } from "../../components/processing/transactionStateMachinePolicy";
import { decisionEventSource, DetailType } from "../../functions/shared/eventRouting";
import { definitionArgs } from "../support/definitionFixture";
import { installMocks, type MockRecorder } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const tableArn = "arn:aws:dynamodb:eu-west-1:123456789012:table/transactions";
const queueArn = "arn:aws:sqs:eu-west-1:123456789012:dead-letters";
const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/k";
const busArn = "arn:aws:events:eu-west-1:123456789012:event-bus/transactions";

describe("TransactionStateMachine component", () => {
  let recorder: MockRecorder;

  before(async () => {
    recorder = await installMocks("state-machine-test");
    new TransactionStateMachine("transactions", {
      ...definitionArgs,
      transactionsTableArn: tableArn,
      deadLetterQueueArn: queueArn,
      eventBusArn: busArn,
      kmsKeyArn: keyArn,
      logRetentionDays: 30,
    });
    await settledResources(recorder);
  });

  it("is an EXPRESS state machine traced by X-Ray", () => {
    const machine = recorder.one("aws:sfn/stateMachine:StateMachine").inputs;
    expect(machine.type).to.equal("EXPRESS");
    expect(machine.tracingConfiguration).to.deep.equal({ enabled: true });
  });

  it("logs ERROR events by default to its own KMS-encrypted log group, without execution data", () => {
    const machine = recorder.one("aws:sfn/stateMachine:StateMachine").inputs;
    const logGroup = recorder.one("aws:cloudwatch/logGroup:LogGroup", "transactions-logs");
    expect(machine.loggingConfiguration).to.deep.equal({
      level: "ERROR",
      includeExecutionData: false,
      logDestination: `${String(logGroup.state.arn)}:*`,
    });
    expect(logGroup.inputs.namePrefix).to.equal("/aws/vendedlogs/states/transactions-");
    expect(logGroup.inputs.retentionInDays).to.equal(30);
    expect(logGroup.inputs.kmsKeyId).to.equal(keyArn);
  });

  it("deploys exactly the definition the pure builder returns", async () => {
    const deployed = JSON.parse(String(recorder.one("aws:sfn/stateMachine:StateMachine").inputs.definition));
    expect(deployed).to.deep.equal(
      JSON.parse(JSON.stringify(buildTransactionStateMachineDefinition({ ...definitionArgs }))),
    );
  });

  it("publishes processed events, fresh and recorded, to the bus named by eventBusName", () => {
    const deployed = JSON.parse(
      String(recorder.one("aws:sfn/stateMachine:StateMachine").inputs.definition),
    ) as {
      States: Record<string, { Parameters: { Entries: { EventBusName: string }[] } }>;
    };
    for (const name of ["PublishProcessed", "RepublishProcessed"]) {
      expect(
        deployed.States[name].Parameters.Entries.map((entry) => entry.EventBusName),
        name,
      ).to.deep.equal([definitionArgs.eventBusName]);
    }
  });

  it("has a role only Step Functions can assume, with exactly the pipeline's grants", () => {
    const role = recorder.one("aws:iam/role:Role", "transactions-role").inputs;
    expect(JSON.parse(String(role.assumeRolePolicy))).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    const policy = JSON.parse(
      String(recorder.one("aws:iam/rolePolicy:RolePolicy", "transactions-policy").inputs.policy),
    );
    expect(policy.Statement).to.deep.equal(
      transactionStateMachinePolicyStatements({
        functionArns: [
          definitionArgs.validateFunctionArn,
          definitionArgs.fraudDetectionFunctionArn,
          definitionArgs.complianceFunctionArn,
        ],
        transactionsTableArn: tableArn,
        alertsTopicArn: definitionArgs.alertsTopicArn,
        deadLetterQueueArn: queueArn,
        eventBusArn: busArn,
        kmsKeyArn: keyArn,
      }),
    );
  });

  it("rejects a non-positive log retention, naming the argument", () => {
    expect(
      () =>
        new TransactionStateMachine("bad", {
          ...definitionArgs,
          transactionsTableArn: tableArn,
          deadLetterQueueArn: queueArn,
          eventBusArn: busArn,
          kmsKeyArn: keyArn,
          logRetentionDays: 0,
        }),
    ).to.throw(/logRetentionDays/);
  });

  it("rejects an empty eventBusName or an eventBusArn that is not an ARN, naming the argument", () => {
    const base = {
      ...definitionArgs,
      transactionsTableArn: tableArn,
      deadLetterQueueArn: queueArn,
      eventBusArn: busArn,
      kmsKeyArn: keyArn,
    };
    expect(() => new TransactionStateMachine("no-bus", { ...base, eventBusName: "" })).to.throw(
      /eventBusName/,
    );
    expect(() => new TransactionStateMachine("bus-name", { ...base, eventBusArn: "transactions" })).to.throw(
      /eventBusArn/,
    );
  });
});

describe("transaction state machine role statements", () => {
  const statements = transactionStateMachinePolicyStatements({
    functionArns: ["arn:aws:lambda:eu-west-1:1:function:a"],
    transactionsTableArn: tableArn,
    alertsTopicArn: "arn:aws:sns:eu-west-1:1:alerts",
    deadLetterQueueArn: queueArn,
    eventBusArn: busArn,
    kmsKeyArn: keyArn,
  });
  const bySid = (sid: string) => statements.find((statement) => statement.Sid === sid);

  it("invokes only the pipeline functions (and their versions)", () => {
    expect(bySid("InvokePipelineFunctions")).to.deep.equal({
      Sid: "InvokePipelineFunctions",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: ["arn:aws:lambda:eu-west-1:1:function:a", "arn:aws:lambda:eu-west-1:1:function:a:*"],
    });
  });

  it("may only update and read single items of the transactions table, publish alerts and send dead letters", () => {
    expect(bySid("RecordDecision")?.Action).to.deep.equal(["dynamodb:UpdateItem"]);
    expect(bySid("RecordDecision")?.Resource).to.deep.equal([tableArn]);
    // A re-run reads the recorded decision to publish it if no run has.
    expect(bySid("ReadRecordedDecision")).to.deep.equal({
      Sid: "ReadRecordedDecision",
      Effect: "Allow",
      Action: ["dynamodb:GetItem"],
      Resource: [tableArn],
    });
    expect(
      statements.flatMap((statement) => statement.Action).filter((action) => action.startsWith("dynamodb:")),
    ).to.deep.equal(["dynamodb:UpdateItem", "dynamodb:GetItem"]);
    expect(bySid("PublishAlerts")?.Action).to.deep.equal(["sns:Publish"]);
    expect(bySid("SendToDeadLetterQueue")?.Resource).to.deep.equal([queueArn]);
  });

  it("has exactly one events:PutEvents statement: the pipeline's bus, decision events only", () => {
    const putEvents = statements.filter((statement) => statement.Action.includes("events:PutEvents"));
    expect(putEvents).to.deep.equal([
      {
        Sid: "PublishProcessedEvents",
        Effect: "Allow",
        Action: ["events:PutEvents"],
        Resource: [busArn],
        Condition: {
          "ForAllValues:StringEquals": {
            "events:source": [decisionEventSource],
            "events:detail-type": [DetailType.processed],
          },
          Null: { "events:source": "false", "events:detail-type": "false" },
        },
      },
    ]);
    expect(
      statements.filter((statement) => statement.Action.some((action) => action.startsWith("events:"))),
    ).to.have.length(1);
  });

  it("grants exactly these statements, in this order", () => {
    expect(statements.map((statement) => statement.Sid)).to.deep.equal([
      "InvokePipelineFunctions",
      "RecordDecision",
      "ReadRecordedDecision",
      "PublishAlerts",
      "SendToDeadLetterQueue",
      "PublishProcessedEvents",
      "UseDataKey",
      "DeliverExecutionLogs",
      "WriteTraces",
    ]);
  });

  it("uses the data key for the encrypted topic and queue", () => {
    expect(bySid("UseDataKey")).to.deep.equal({
      Sid: "UseDataKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [keyArn],
    });
  });

  it("uses '*' resources only for log delivery and X-Ray, and no wildcard action", () => {
    for (const statement of statements) {
      for (const action of statement.Action) expect(action).not.to.contain("*");
      if (statement.Resource.includes("*")) {
        expect(["DeliverExecutionLogs", "WriteTraces"]).to.include(statement.Sid);
      }
    }
  });
});
