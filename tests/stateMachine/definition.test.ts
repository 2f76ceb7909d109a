/**
 * The exact definition the stack deploys, checked statically: valid ASL, the retry policy the
 * seeds ask for, and only constructs the local engine executes faithfully.
 */
import { expect } from "chai";
import {
  buildTransactionStateMachineDefinition,
  retriedLambdaErrors,
  StateName,
  TaskResource,
  type AslState,
} from "../../components/transactionStateMachineDefinition";
import { taskStates } from "../../local/stateMachineRunner";
import { validateAsl } from "../support/aslValidator";
import { definitionArgs } from "../support/definitionFixture";

const definition = buildTransactionStateMachineDefinition(definitionArgs);
const tasks = taskStates(definition);

function allStates(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...((state.Branches as unknown as { States: Record<string, AslState> }[] | undefined) ?? []).flatMap(
      (branch) => allStates(branch.States),
    ),
  ]);
}

describe("transaction state machine definition", () => {
  it("is valid Amazon States Language (asl-validator, paths and ARNs checked)", () => {
    const result = validateAsl(definition);
    expect(result.errorsText(), "validator errors").to.equal("");
    expect(result.isValid).to.equal(true);
  });

  it("dead-letters an event without detail.transactionId or detail.transaction before any task runs", () => {
    expect(definition.StartAt).to.equal(StateName.checkEnvelope);
    const check = definition.States[StateName.checkEnvelope];
    const targets = (check.Choices as { Next: string }[]).map((choice) => choice.Next);
    expect(targets).to.deep.equal([
      StateName.malformedEvent,
      StateName.malformedEvent,
      StateName.malformedEvent,
    ]);
    expect(check.Default).to.equal(StateName.validate);
    expect(definition.States[StateName.malformedEvent].Next).to.equal(StateName.sendToDeadLetterQueue);
  });

  it("runs ValidateTransaction, then FraudDetection and ComplianceCheck in parallel, then Decide", () => {
    expect(definition.States[StateName.validate].Next).to.equal(StateName.isValid);
    const screen = definition.States[StateName.screen];
    expect(screen.Type).to.equal("Parallel");
    const branches = screen.Branches as unknown as { StartAt: string }[];
    expect(branches.map((branch) => branch.StartAt)).to.deep.equal([
      StateName.fraudDetection,
      StateName.complianceCheck,
    ]);
    expect(screen.Next).to.equal(StateName.decide);
  });

  it("retries every Lambda task on the four Lambda service errors (2 s, 3 attempts, backoff 2.0) and on store failures", () => {
    const lambdaTasks = tasks.filter(({ state }) => state.Resource === TaskResource.lambdaInvoke);
    expect(lambdaTasks.map(({ name }) => name)).to.have.members([
      StateName.validate,
      StateName.fraudDetection,
      StateName.complianceCheck,
    ]);
    for (const { state } of lambdaTasks) {
      expect(state.Retry).to.deep.equal([
        { ErrorEquals: retriedLambdaErrors, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2.0 },
        { ErrorEquals: ["TransactionStoreError"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
      ]);
      // A task timeout is catchable (dead-lettered); the execution's own timeout is not.
      expect(state.TimeoutSeconds).to.equal(35);
    }
    expect(retriedLambdaErrors).to.have.members([
      "Lambda.ServiceException",
      "Lambda.AWSLambdaException",
      "Lambda.SdkClientException",
      "Lambda.TooManyRequestsException",
    ]);
  });

  it("records decisions with a direct dynamodb:updateItem that never overwrites an earlier decision", () => {
    for (const name of [StateName.recordDecision, StateName.recordRejection]) {
      const state = definition.States[name];
      expect(state.Resource).to.equal(TaskResource.dynamoDbUpdateItem);
      const parameters = state.Parameters as Record<string, unknown>;
      expect(parameters.TableName).to.equal("transactions");
      expect(parameters.ConditionExpression).to.equal("attribute_not_exists(#decision)");
      const retry = state.Retry as { ErrorEquals: string[] }[];
      expect(retry.flatMap((retrier) => retrier.ErrorEquals)).not.to.include(
        "DynamoDB.ConditionalCheckFailedException",
      );
    }
  });

  it("records and alerts under the validated record key, never the raw event key", () => {
    for (const name of [StateName.recordDecision, StateName.recordRejection]) {
      const parameters = definition.States[name].Parameters as { Key: unknown };
      expect(parameters.Key).to.deep.equal({ transactionId: { "S.$": "$.validation.recordKey" } });
    }
    for (const name of [StateName.rejectInvalid, StateName.approve, StateName.review, StateName.reject]) {
      expect(
        (definition.States[name].Parameters as Record<string, unknown>)["transactionId.$"],
        name,
      ).to.equal("$.validation.recordKey");
    }
  });

  it("ends a re-run whose decision is already recorded without alerting again", () => {
    const catchers = definition.States[StateName.recordDecision].Catch as {
      ErrorEquals: string[];
      Next: string;
    }[];
    expect(catchers[0]).to.deep.include({
      ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"],
      Next: StateName.done,
    });
  });

  it("alerts with a direct sns:publish and dead-letters with a direct sqs:sendMessage then Fail", () => {
    expect(definition.States[StateName.alert].Resource).to.equal(TaskResource.snsPublish);
    expect((definition.States[StateName.alert].Parameters as Record<string, unknown>).TopicArn).to.equal(
      definitionArgs.alertsTopicArn,
    );
    const send = definition.States[StateName.sendToDeadLetterQueue];
    expect(send.Resource).to.equal(TaskResource.sqsSendMessage);
    expect((send.Parameters as Record<string, unknown>).QueueUrl).to.equal(definitionArgs.deadLetterQueueUrl);
    expect(send.Next).to.equal(StateName.failed);
    expect(definition.States[StateName.failed].Type).to.equal("Fail");
  });

  it("sends the whole execution input and the error to the dead-letter queue", () => {
    const send = definition.States[StateName.sendToDeadLetterQueue].Parameters as Record<string, unknown>;
    const parameters = send.MessageBody as Record<string, unknown>;
    expect(parameters["input.$"]).to.equal("$$.Execution.Input");
    expect(parameters["error.$"]).to.equal("$.error");
  });

  it("catches every failure of every Task and the Parallel state into the dead-letter path", () => {
    const guarded = allStates(definition.States).filter(
      ([name, state]) =>
        (state.Type === "Task" || state.Type === "Parallel") &&
        name !== StateName.sendToDeadLetterQueue &&
        name !== StateName.fraudDetection &&
        name !== StateName.complianceCheck,
    );
    expect(guarded).to.have.length(5);
    for (const [name, state] of guarded) {
      const catchers = state.Catch as { ErrorEquals: string[]; Next: string }[];
      const last = catchers[catchers.length - 1];
      expect(last, name).to.deep.include({
        ErrorEquals: ["States.ALL"],
        Next: StateName.sendToDeadLetterQueue,
      });
    }
  });

  describe("only what the local engine executes faithfully", () => {
    it("uses JSONPath everywhere (the local engine silently ignores JSONata)", () => {
      expect(JSON.stringify(definition)).not.to.match(/JSONata|\{%/);
    });

    it("builds message bodies as objects, not with States.JsonToString (the local engine strips backslashes)", () => {
      expect(JSON.stringify(definition)).not.to.contain("States.JsonToString");
    });

    it("has no .sync or .waitForTaskToken integrations (illegal in EXPRESS)", () => {
      for (const { name, state } of tasks) {
        expect(String(state.Resource), name).not.to.match(/\.sync|\.waitForTaskToken/);
      }
    });

    it("never catches States.TaskFailed on a Parallel or Map state (it would not match there)", () => {
      for (const [name, state] of allStates(definition.States)) {
        if (state.Type !== "Parallel" && state.Type !== "Map") continue;
        const errors = ((state.Catch as { ErrorEquals: string[] }[] | undefined) ?? []).flatMap(
          (c) => c.ErrorEquals,
        );
        expect(errors, name).not.to.include("States.TaskFailed");
      }
    });

    it("names only Task resources the local runtime can bind", () => {
      const supported: string[] = Object.values(TaskResource);
      for (const { name, state } of tasks) expect(supported, name).to.include(String(state.Resource));
    });
  });

  describe("argument checks", () => {
    it("rejects a missing function ARN, naming it", () => {
      expect(() =>
        buildTransactionStateMachineDefinition({ ...definitionArgs, fraudDetectionFunctionArn: "" }),
      ).to.throw(/fraudDetectionFunctionArn/);
    });

    it("rejects a function timeout two Lambda stages could not fit into the execution timeout", () => {
      expect(() =>
        buildTransactionStateMachineDefinition({ ...definitionArgs, functionTimeoutSeconds: 131 }),
      ).to.throw(/functionTimeoutSeconds/);
      expect(() =>
        buildTransactionStateMachineDefinition({ ...definitionArgs, functionTimeoutSeconds: 130 }),
      ).not.to.throw();
    });

    it("rejects a timeout beyond the EXPRESS limit of 300 s", () => {
      expect(() =>
        buildTransactionStateMachineDefinition({ ...definitionArgs, timeoutSeconds: 301 }),
      ).to.throw(/timeoutSeconds/);
    });

    it("rejects a non-integer high-value threshold", () => {
      expect(() =>
        buildTransactionStateMachineDefinition({ ...definitionArgs, highValueAlertUsdMinor: 10.5 }),
      ).to.throw(/highValueAlertUsdMinor/);
    });
  });
});
