/**
 * The exact definition the stack deploys, checked statically: valid ASL, the retry policy the
 * seeds ask for, and only constructs the local engine executes faithfully.
 */
import { expect } from "chai";
import {
  buildTransactionStateMachineDefinition,
  processedPublishedAttribute,
  recordedDecisionUnreadableError,
  retriedDynamoDbErrors,
  retriedEventBridgeErrors,
  retriedLambdaErrors,
  StateName,
  TaskResource,
  type AslState,
} from "../../components/processing/stateMachineDefinition/index";
import { decisionEventSource, DetailType } from "../../functions/shared/eventRouting";
import type { ComplianceRuleHit, FraudSignal, Reason } from "../../functions/shared/stepContracts";
import { localClients } from "../../local/awsClients";
import { bindTaskStates, taskStates } from "../../local/stateMachineRunner";
import { validateAsl } from "../support/aslValidator";
import { definitionArgs } from "../support/definitionFixture";

const definition = buildTransactionStateMachineDefinition(definitionArgs);
const tasks = taskStates(definition);

type StateMachineLike = { States: Record<string, AslState> };

/** Every state, including those of Parallel branches and Map item processors. */
function allStates(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...[
      ...((state.Branches as unknown as StateMachineLike[] | undefined) ?? []),
      ...(state.ItemProcessor ? [state.ItemProcessor as unknown as StateMachineLike] : []),
    ].flatMap((machine) => allStates(machine.States)),
  ]);
}

/** The variables a Choice rule tests with IsPresent: true, through And and Not. */
function presentVariables(rule: Record<string, unknown>): string[] {
  if (Array.isArray(rule.And)) {
    return (rule.And as Record<string, unknown>[]).flatMap((inner) => presentVariables(inner));
  }
  return rule.IsPresent === true && typeof rule.Variable === "string" ? [rule.Variable] : [];
}

/** The JSONPaths under `prefix` a state reads, wherever they appear in it (intrinsics included). */
function pathsRead(state: AslState, prefix: string): string[] {
  const escaped = prefix.replace(/[.$]/g, (character) => `\\${character}`);
  return [...JSON.stringify(state).matchAll(new RegExp(`${escaped}[A-Za-z0-9_.]*`, "g"))].map(
    ([path]) => path,
  );
}

const outcomeKeys = (name: string) =>
  Object.keys(definition.States[name].Parameters as Record<string, unknown>).map((key) =>
    key.replace(/\.\$$/, ""),
  );

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

  it("sends a re-run whose decision is already recorded to read that decision, never to its own outcome", () => {
    for (const name of recordStates) {
      const catchers = definition.States[name].Catch as { ErrorEquals: string[]; Next: string }[];
      expect(catchers[0], name).to.deep.equal({
        ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"],
        ResultPath: "$.alreadyRecorded",
        Next: StateName.readRecordedDecision,
      });
    }
  });

  it("reads the recorded decision and its published mark with a consistent dynamodb:getItem, nothing else of the item", () => {
    expect(definition.States[StateName.readRecordedDecision]).to.deep.equal({
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:getItem",
      Parameters: {
        TableName: "transactions",
        Key: { transactionId: { "S.$": "$.validation.recordKey" } },
        ConsistentRead: true,
        ProjectionExpression: "#decision, #publishedAt",
        ExpressionAttributeNames: { "#decision": "decision", "#publishedAt": "processedPublishedAt" },
      },
      ResultPath: "$.recorded",
      Retry: [{ ErrorEquals: retriedDynamoDbErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 }],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: StateName.sendToDeadLetterQueue }],
      Next: StateName.checkRecordedDecision,
    });
    expect(processedPublishedAttribute).to.equal("processedPublishedAt");
  });

  it("ends without publishing when there is no recorded decision or it is marked published", () => {
    const choices = definition.States[StateName.checkRecordedDecision].Choices as Record<string, unknown>[];
    expect(choices.slice(0, 2)).to.deep.equal([
      { Not: { Variable: "$.recorded.Item.decision", IsPresent: true }, Next: StateName.done },
      { Variable: "$.recorded.Item.processedPublishedAt", IsPresent: true, Next: StateName.done },
    ]);
  });

  it("picks the recorded stage's outcome and dead-letters a recorded decision it cannot read", () => {
    const check = definition.States[StateName.checkRecordedDecision];
    const choices = check.Choices as { Next: string; And?: { Variable: string; StringEquals?: string }[] }[];
    expect(choices.slice(2, 5).map((choice) => choice.Next)).to.deep.equal(
      new Array<string>(3).fill(StateName.unreadableRecordedDecision),
    );
    const byStage = choices.slice(5).map((choice) => [choice.And?.[0].StringEquals, choice.Next]);
    expect(byStage).to.deep.equal([
      ["VALIDATION", StateName.recordedValidationReasons],
      ["SCREENING", StateName.recordedFraudSignals],
    ]);
    expect(check.Default).to.equal(StateName.unreadableRecordedDecision);
    expect(definition.States[StateName.unreadableRecordedDecision]).to.deep.include({
      ResultPath: "$.error",
      Next: StateName.sendToDeadLetterQueue,
    });
    expect(
      (definition.States[StateName.unreadableRecordedDecision].Result as { Error: string }).Error,
    ).to.equal(recordedDecisionUnreadableError);
  });

  it("checks every recorded path it reads is present first (a missing path is an uncaught States.Runtime)", () => {
    const recorded = "$.recorded.Item.decision.M";
    const choices = definition.States[StateName.checkRecordedDecision].Choices as Record<string, unknown>[];
    const always = choices
      .filter((choice) => choice.Next === StateName.unreadableRecordedDecision)
      .map((choice) => presentVariables(choice.Not as Record<string, unknown>))
      .flat();
    const branches: [string, string[]][] = [
      [
        StateName.recordedValidationReasons,
        [StateName.recordedValidationReasons, StateName.recordedRejectionOutcome],
      ],
      [
        StateName.recordedFraudSignals,
        [
          StateName.recordedFraudSignals,
          StateName.recordedComplianceRules,
          StateName.recordedScreeningOutcome,
        ],
      ],
    ];
    for (const [first, states] of branches) {
      const rule = choices.find((choice) => choice.Next === first) as Record<string, unknown>;
      const checked = [...always, ...presentVariables(rule)];
      const read = states.flatMap((name) => {
        const state = definition.States[name];
        // A Map's item processor reads its own items, checked inside it (next test).
        const { ItemProcessor: _processor, ...own } = state;
        return pathsRead(own, recorded);
      });
      expect(read.length, first).to.be.greaterThan(0);
      for (const path of read) expect(checked, `${first}: ${path}`).to.include(path);
    }
  });

  describe("turns each recorded list back into the objects the outcome carried", () => {
    // Typed by the step contracts: a field added to a finding fails to compile here until the
    // rebuilt entries carry it too.
    const signal: Record<keyof FraudSignal, "S" | "N"> = { code: "S", points: "N", message: "S" };
    const rule: Record<keyof ComplianceRuleHit, "S"> = { ruleId: "S", outcome: "S", message: "S" };
    const reason: Record<keyof Reason, "S"> = { code: "S", message: "S", field: "S" };
    const lists: [string, string, Record<string, "S" | "N">, string[]][] = [
      [StateName.recordedFraudSignals, "$.recorded.Item.decision.M.fraud.M.signals.L", signal, []],
      [StateName.recordedComplianceRules, "$.recorded.Item.decision.M.compliance.M.rules.L", rule, []],
      [
        StateName.recordedValidationReasons,
        "$.recorded.Item.decision.M.validation.M.reasons.L",
        reason,
        ["field"],
      ],
    ];

    for (const [name, itemsPath, fields, optional] of lists) {
      it(`${name}: every field from its attribute value, numbers parsed, an entry lacking one dead-lettered`, () => {
        const map = definition.States[name];
        expect(map.Type).to.equal("Map");
        expect(map.ItemsPath).to.equal(itemsPath);
        expect(map.Catch).to.deep.equal([
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: StateName.sendToDeadLetterQueue },
        ]);
        const processor = map.ItemProcessor as unknown as {
          StartAt: string;
          States: Record<string, AslState>;
        };
        const check = processor.States[processor.StartAt];
        const choices = check.Choices as { Not?: { Variable: string }; Variable?: string; Next: string }[];
        const required = Object.keys(fields).filter((field) => !optional.includes(field));
        const failing = choices.filter((choice) => choice.Not !== undefined);
        expect(failing.map((choice) => choice.Not?.Variable)).to.deep.equal(
          required.map((field) => `$.M.${field}.${fields[field]}`),
        );
        for (const choice of failing) {
          expect(processor.States[choice.Next]).to.deep.include({
            Type: "Fail",
            Error: recordedDecisionUnreadableError,
          });
        }
        const entries = [check.Default as string, ...choices.filter((c) => !c.Not).map((c) => c.Next)];
        expect(entries).to.have.length(1 + optional.length);
        const expected = (keys: string[]) =>
          Object.fromEntries(
            keys.map((field) => [
              `${field}.$`,
              fields[field] === "N" ? `States.StringToJson($.M.${field}.N)` : `$.M.${field}.S`,
            ]),
          );
        expect(processor.States[entries[0]]).to.deep.equal({
          Type: "Pass",
          Parameters: expected(required),
          End: true,
        });
        if (optional.length > 0) {
          expect(choices.filter((c) => !c.Not).map((c) => c.Variable)).to.deep.equal(
            optional.map((field) => `$.M.${field}.${fields[field]}`),
          );
          expect(processor.States[entries[1]].Parameters).to.deep.equal(expected(Object.keys(fields)));
        }
      });
    }
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
      Next: StateName.markPublished,
    });
    expect(decisionEventSource).to.equal("transaction-pipeline.decisions");
    expect(DetailType.processed).to.equal("Transaction Processed");
    // Step Functions fails the task with EventBridge.FailedEntry when FailedEntryCount > 0.
    expect(retriedEventBridgeErrors).to.include("EventBridge.FailedEntry");
  });

  it("publishes a recorded decision with the detail fields of a fresh one (the same event shape)", () => {
    expect(outcomeKeys(StateName.recordedScreeningOutcome)).to.deep.equal(outcomeKeys(StateName.approve));
    expect(outcomeKeys(StateName.recordedRejectionOutcome)).to.deep.equal(
      outcomeKeys(StateName.rejectInvalid),
    );
    const screening = definition.States[StateName.recordedScreeningOutcome].Parameters as Record<
      string,
      string
    >;
    expect(screening["fraudScore.$"]).to.equal(
      "States.StringToJson($.recorded.Item.decision.M.fraud.M.score.N)",
    );
    expect(screening["transactionId.$"]).to.equal("$.validation.recordKey");
    for (const name of [StateName.recordedScreeningOutcome, StateName.recordedRejectionOutcome]) {
      expect(definition.States[name]).to.deep.include({
        ResultPath: "$.recorded.outcome",
        Next: StateName.republishProcessed,
      });
      // The recorded status, stage and lane: never the re-run's own outcome.
      expect(JSON.stringify(definition.States[name]), name).not.to.contain("$.outcome");
    }
    const {
      Parameters: republished,
      Next: afterRepublish,
      ...republishRest
    } = definition.States[StateName.republishProcessed];
    const {
      Parameters: published,
      Next: _afterPublish,
      ...publishRest
    } = definition.States[StateName.publishProcessed];
    expect(republishRest).to.deep.equal(publishRest);
    const entry = (parameters: unknown) => (parameters as { Entries: Record<string, unknown>[] }).Entries;
    expect(entry(republished)).to.deep.equal([{ ...entry(published)[0], "Detail.$": "$.recorded.outcome" }]);
    expect(afterRepublish).to.equal(StateName.markRepublished);
    expect(definition.States[StateName.markRepublished].Next).to.equal(StateName.done);
  });

  it("marks the decision published right after each publish, and goes on (never dead-letters) when the mark fails", () => {
    const mark = (next: string) => ({
      Type: "Task",
      Resource: "arn:aws:states:::dynamodb:updateItem",
      Parameters: {
        TableName: "transactions",
        Key: { transactionId: { "S.$": "$.validation.recordKey" } },
        UpdateExpression: "SET #publishedAt = if_not_exists(#publishedAt, :publishedAt)",
        ConditionExpression: "attribute_exists(#decision)",
        ExpressionAttributeNames: { "#publishedAt": "processedPublishedAt", "#decision": "decision" },
        ExpressionAttributeValues: { ":publishedAt": { "S.$": "$$.Execution.StartTime" } },
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: retriedDynamoDbErrors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2.0 }],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.markPublishedError", Next: next }],
      Next: next,
    });
    expect(definition.States[StateName.publishProcessed].Next).to.equal(StateName.markPublished);
    expect(definition.States[StateName.markPublished]).to.deep.equal(mark(StateName.needsAlert));
    expect(definition.States[StateName.markRepublished]).to.deep.equal(mark(StateName.done));
  });

  describe("every path through the machine", () => {
    const paths = allPaths(definition.States, { state: definition.StartAt, via: "Start" });
    const names = (path: Step[]) => path.map((step) => step.state);
    const leaving = (path: Step[], index: number) => path[index + 1]?.via;

    const conditionFailed = "Catch DynamoDB.ConditionalCheckFailedException";
    const alreadyRecorded = paths.filter((path) =>
      path.some(
        (step, index) => recordStates.includes(step.state) && leaving(path, index) === conditionFailed,
      ),
    );

    it("passes through PublishProcessed exactly once, right after a recorded decision, then MarkPublished", () => {
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
        expect(stateNames, stateNames.join(" > ")).not.to.include(StateName.republishProcessed);
        // Alerting comes after the mark, so an unmarked decision is one whose run did not alert
        // (unless that mark failed and the run went on).
        if (stateNames.includes(StateName.alert)) {
          expect(stateNames.indexOf(StateName.alert)).to.be.greaterThan(
            stateNames.indexOf(StateName.markPublished),
          );
        }
      }
    });

    it("never publishes or alerts its own outcome when the decision was already recorded", () => {
      // RecordRejection, and RecordDecision after each of Reject, Review and Approve; then each
      // way through reading, checking, rebuilding, republishing and marking the recorded decision.
      expect(alreadyRecorded).to.have.length(4 * 16);
      for (const path of alreadyRecorded) {
        const stateNames = names(path);
        for (const name of [StateName.publishProcessed, StateName.markPublished, StateName.alert]) {
          expect(stateNames, stateNames.join(" > ")).not.to.include(name);
        }
        expect([StateName.done, StateName.failed]).to.include(stateNames.at(-1));
      }
    });

    it("publishes the recorded decision at most once, only after reading it, and marks it", () => {
      const republishing = alreadyRecorded.filter((path) =>
        names(path).includes(StateName.republishProcessed),
      );
      const republished = republishing.filter(
        (path) => leaving(path, names(path).indexOf(StateName.republishProcessed)) === "Next",
      );
      // Each record state × two stages × the mark succeeding or failing.
      expect(republished).to.have.length(4 * 2 * 2);
      for (const path of republishing) {
        const stateNames = names(path);
        expect(stateNames.filter((name) => name === StateName.republishProcessed)).to.have.length(1);
        const at = stateNames.indexOf(StateName.republishProcessed);
        expect(stateNames.slice(0, at)).to.include.members([
          StateName.readRecordedDecision,
          StateName.checkRecordedDecision,
        ]);
        expect([StateName.recordedScreeningOutcome, StateName.recordedRejectionOutcome]).to.include(
          stateNames[at - 1],
        );
      }
      for (const path of republished) {
        expect(names(path).slice(-2)).to.deep.equal([StateName.markRepublished, StateName.done]);
      }
      // The other ways to Done: no recorded decision, or it is marked published.
      const quiet = alreadyRecorded.filter(
        (path) =>
          names(path).at(-1) === StateName.done && !names(path).includes(StateName.republishProcessed),
      );
      expect(quiet).to.have.length(4 * 2);
      for (const path of quiet) {
        expect(names(path).slice(-2)).to.deep.equal([StateName.checkRecordedDecision, StateName.done]);
      }
    });

    it("publishes on no path without a recorded decision (malformed, invalid-input failures, dead letters)", () => {
      for (const path of paths) {
        const at = names(path).indexOf(StateName.publishProcessed);
        if (at !== -1) expect(recordStates).to.include(path[at - 1].state);
        if (names(path).includes(StateName.republishProcessed)) expect(alreadyRecorded).to.include(path);
      }
      const unrecorded = paths.filter((path) => !names(path).some((name) => recordStates.includes(name)));
      expect(unrecorded.length).to.be.greaterThan(0);
      for (const path of unrecorded) {
        expect(names(path)).not.to.include(StateName.publishProcessed);
        expect(names(path)).not.to.include(StateName.republishProcessed);
      }
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

  it("catches every failure of every Task, the Parallel and the Map states into the dead-letter path, except the marks", () => {
    // A failed mark goes on (see the mark test): the event is already out.
    const marks: string[] = [StateName.markPublished, StateName.markRepublished];
    const guarded = allStates(definition.States).filter(
      ([name, state]) =>
        (state.Type === "Task" || state.Type === "Parallel" || state.Type === "Map") &&
        name !== StateName.sendToDeadLetterQueue &&
        name !== StateName.fraudDetection &&
        name !== StateName.complianceCheck &&
        !marks.includes(name),
    );
    expect(guarded).to.have.length(11);
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
