/**
 * The exact definition the stack deploys, checked statically: valid ASL, the retry policy the
 * seeds ask for, and only constructs the local engine executes faithfully.
 */
import { expect } from "chai";
import {
  buildTransactionStateMachineDefinition,
  retriedEventBridgeErrors,
  retriedLambdaErrors,
  StateName,
  TaskResource,
  type AslState,
} from "../../components/transactionStateMachineDefinition";
import { decisionEventSource, DetailType } from "../../functions/shared/eventRouting";
import { localClients } from "../../local/awsClients";
import { bindTaskStates, taskStates } from "../../local/stateMachineRunner";
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

/** How an execution leaves a state: `Next`, `Default`, `Choice`, or `Catch <errors>`. */
interface Step {
  readonly state: string;
  readonly via: string;
}

function transitions(state: AslState): Step[] {
  const out: Step[] = [];
  if (typeof state.Next === "string") out.push({ state: state.Next, via: "Next" });
  if (typeof state.Default === "string") out.push({ state: state.Default, via: "Default" });
  for (const choice of (state.Choices as { Next: string }[] | undefined) ?? []) {
    out.push({ state: choice.Next, via: "Choice" });
  }
  for (const catcher of (state.Catch as { ErrorEquals: string[]; Next: string }[] | undefined) ?? []) {
    out.push({ state: catcher.Next, via: `Catch ${catcher.ErrorEquals.join(",")}` });
  }
  return out;
}

/** Every path through the top-level states (the graph has no loops), as the steps taken. */
function allPaths(states: Record<string, AslState>, from: Step): Step[][] {
  const next = transitions(states[from.state]);
  if (next.length === 0) return [[from]];
  return next.flatMap((step) => allPaths(states, step).map((rest) => [from, ...rest]));
}

const recordStates: string[] = [StateName.recordDecision, StateName.recordRejection];

describe("transaction state machine definition", () => {
  it("is valid Amazon States Language (asl-validator, paths and ARNs checked)", () => {
    const result = validateAsl(definition);
    expect(result.errorsText(), "validator errors").to.equal("");
    expect(result.isValid).to.equal(true);
  });

  it("dead-letters an event without detail.transactionId, detail.transaction or a known lane before any task runs", () => {
    expect(definition.StartAt).to.equal(StateName.checkEnvelope);
    const check = definition.States[StateName.checkEnvelope];
    const choices = check.Choices as { Next: string }[];
    expect(choices.map((choice) => choice.Next)).to.deep.equal(
      new Array<string>(6).fill(StateName.malformedEvent),
    );
    expect(choices.slice(3)).to.deep.equal([
      { Not: { Variable: "$.lane", IsPresent: true }, Next: StateName.malformedEvent },
      { Not: { Variable: "$.lane", IsString: true }, Next: StateName.malformedEvent },
      {
        Not: {
          Or: [
            { Variable: "$.lane", StringEquals: "high" },
            { Variable: "$.lane", StringEquals: "medium" },
            { Variable: "$.lane", StringEquals: "low" },
          ],
        },
        Next: StateName.malformedEvent,
      },
    ]);
    expect(check.Default).to.equal(StateName.validate);
    const malformed = definition.States[StateName.malformedEvent];
    expect(malformed.Next).to.equal(StateName.sendToDeadLetterQueue);
    expect((malformed.Result as { Cause: string }).Cause).to.equal(
      "detail.transactionId (string), detail.transaction and lane (high | medium | low) are required",
    );
  });

  it("ends at once, deciding nothing, when validation finds the transaction already archived", () => {
    const choice = definition.States[StateName.isArchived];
    expect(choice.Type).to.equal("Choice");
    expect(choice.Choices).to.deep.equal([
      { Variable: "$.validation.alreadyArchived", BooleanEquals: true, Next: StateName.done },
    ]);
    const selector = definition.States[StateName.validate].ResultSelector as Record<string, string>;
    expect(selector["alreadyArchived.$"]).to.equal("$.Payload.alreadyArchived");
  });

  it("runs ValidateTransaction, then FraudDetection and ComplianceCheck in parallel, then Decide", () => {
    expect(definition.States[StateName.validate].Next).to.equal(StateName.isArchived);
    expect(definition.States[StateName.isArchived].Default).to.equal(StateName.isValid);
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
      // The screening path records onto the item validation stored: never re-create a vanished one.
      expect(parameters.ConditionExpression).to.equal(
        name === StateName.recordDecision
          ? "attribute_exists(#key) AND attribute_not_exists(#decision)"
          : "attribute_not_exists(#decision)",
      );
      const retry = state.Retry as { ErrorEquals: string[] }[];
      expect(retry.flatMap((retrier) => retrier.ErrorEquals)).not.to.include(
        "DynamoDB.ConditionalCheckFailedException",
      );
    }
  });

  it("puts every recorded decision in the archival index: decidedDay and a unique, ordered archiveSortKey", () => {
    for (const name of [StateName.recordDecision, StateName.recordRejection]) {
      const parameters = definition.States[name].Parameters as {
        UpdateExpression: string;
        ExpressionAttributeNames: Record<string, string>;
        ExpressionAttributeValues: Record<string, Record<string, string>>;
      };
      expect(parameters.UpdateExpression).to.include("#decidedDay = :decidedDay");
      expect(parameters.UpdateExpression).to.include("#archiveSortKey = :archiveSortKey");
      expect(parameters.ExpressionAttributeNames).to.include({
        "#decidedDay": "decidedDay",
        "#archiveSortKey": "archiveSortKey",
      });
      expect(parameters.ExpressionAttributeValues[":decidedDay"]).to.deep.equal({
        "S.$": "States.ArrayGetItem(States.StringSplit($$.Execution.StartTime, 'T'), 0)",
      });
      expect(parameters.ExpressionAttributeValues[":archiveSortKey"]).to.deep.equal({
        "S.$": "States.Format('{}#{}', $$.Execution.StartTime, $.validation.recordKey)",
      });
    }
  });

  it("carries the lane into every outcome (and so every alert and processed event) and the recorded decision", () => {
    for (const name of [StateName.rejectInvalid, StateName.approve, StateName.review, StateName.reject]) {
      expect((definition.States[name].Parameters as Record<string, unknown>)["lane.$"], name).to.equal(
        "$.lane",
      );
    }
    for (const name of recordStates) {
      const parameters = definition.States[name].Parameters as {
        ExpressionAttributeValues: { ":decision": { M: Record<string, unknown> } };
      };
      expect(parameters.ExpressionAttributeValues[":decision"].M.lane, name).to.deep.equal({
        "S.$": "$.lane",
      });
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

  it('publishes the outcome as one "Transaction Processed" event with a direct events:putEvents', () => {
    expect(definition.States[StateName.publishProcessed]).to.deep.equal({
      Type: "Task",
      Resource: "arn:aws:states:::events:putEvents",
      Parameters: {
        Entries: [
          {
            EventBusName: "transactions",
            Source: decisionEventSource,
            DetailType: DetailType.processed,
            "Detail.$": "$.outcome",
          },
        ],
      },
      ResultPath: null,
      Retry: [
        { ErrorEquals: retriedEventBridgeErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
        { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 },
      ],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: StateName.sendToDeadLetterQueue }],
      Next: StateName.needsAlert,
    });
    expect(decisionEventSource).to.equal("transaction-pipeline.decisions");
    expect(DetailType.processed).to.equal("Transaction Processed");
    // Step Functions fails the task with EventBridge.FailedEntry when FailedEntryCount > 0.
    expect(retriedEventBridgeErrors).to.include("EventBridge.FailedEntry");
  });

  describe("every path through the machine", () => {
    const paths = allPaths(definition.States, { state: definition.StartAt, via: "Start" });
    const names = (path: Step[]) => path.map((step) => step.state);
    const leaving = (path: Step[], index: number) => path[index + 1]?.via;

    it("passes through PublishProcessed exactly once, right after a recorded decision", () => {
      const recorded = paths.filter((path) =>
        path.some((step, index) => recordStates.includes(step.state) && leaving(path, index) === "Next"),
      );
      expect(recorded.length, "paths with a recorded decision").to.be.greaterThan(0);
      for (const path of recorded) {
        const stateNames = names(path);
        expect(
          stateNames.filter((name) => name === StateName.publishProcessed),
          stateNames.join(" > "),
        ).to.have.length(1);
        const at = stateNames.indexOf(StateName.publishProcessed);
        expect(recordStates).to.include(stateNames[at - 1]);
        expect(path[at].via).to.equal("Next");
      }
    });

    it("never publishes when the decision was already recorded (ConditionalCheckFailed ends in Done)", () => {
      const alreadyRecorded = paths.filter((path) =>
        path.some(
          (step, index) =>
            recordStates.includes(step.state) &&
            leaving(path, index) === "Catch DynamoDB.ConditionalCheckFailedException",
        ),
      );
      // RecordRejection, and RecordDecision after each of Reject, Review and Approve.
      expect(alreadyRecorded).to.have.length(4);
      for (const path of alreadyRecorded) {
        expect(names(path)).not.to.include(StateName.publishProcessed);
        expect(names(path).at(-1)).to.equal(StateName.done);
      }
    });

    it("publishes on no path without a recorded decision (malformed, invalid-input failures, dead letters)", () => {
      for (const path of paths) {
        const at = names(path).indexOf(StateName.publishProcessed);
        if (at === -1) continue;
        expect(recordStates).to.include(path[at - 1].state);
      }
      const unrecorded = paths.filter((path) => !names(path).some((name) => recordStates.includes(name)));
      expect(unrecorded.length).to.be.greaterThan(0);
      for (const path of unrecorded) expect(names(path)).not.to.include(StateName.publishProcessed);
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
    expect(guarded).to.have.length(6);
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

    it("binds every Task state, PublishProcessed included, to a local handler or integration", () => {
      // Creating clients opens no connection; nothing is called here.
      const clients = localClients({
        dynamoDbEndpoint: "http://127.0.0.1:1",
        messagingEndpoint: "http://127.0.0.1:1",
      });
      const bound = bindTaskStates({ definition, functions: {}, clients });
      expect(Object.keys(bound)).to.have.members(tasks.map(({ name }) => name));
      expect(Object.keys(bound)).to.include(StateName.publishProcessed);
    });
  });

  describe("argument checks", () => {
    it("rejects a missing function ARN, naming it", () => {
      expect(() =>
        buildTransactionStateMachineDefinition({ ...definitionArgs, fraudDetectionFunctionArn: "" }),
      ).to.throw(/fraudDetectionFunctionArn/);
    });

    it("rejects an empty event bus name, naming it", () => {
      expect(() => buildTransactionStateMachineDefinition({ ...definitionArgs, eventBusName: "" })).to.throw(
        /eventBusName/,
      );
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
