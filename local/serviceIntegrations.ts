/**
 * The Step Functions optimized service integrations the definition uses, executed against the
 * local emulators with the Task's own Parameters (which are the API's request shape). Errors get
 * the `<Service>.<ExceptionName>` names Step Functions gives them, so Retry/Catch behave as on AWS.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type GetItemCommandInput,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { PublishCommand, SNSClient, type PublishCommandInput } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient, type SendMessageCommandInput } from "@aws-sdk/client-sqs";

export interface ServiceClients {
  readonly dynamoDb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
}

/** The execution a Task runs in; the EventBridge integration names it in each entry's Resources. */
export interface ExecutionIdentity {
  readonly executionArn: string;
  readonly stateMachineArn: string;
}

export type ServiceIntegration = (parameters: unknown) => Promise<unknown>;

/** Raised for a failed service call, named as Step Functions names it. */
export class ServiceIntegrationError extends Error {
  constructor(service: string, cause: Error) {
    super(cause.message, { cause });
    this.name = `${service}.${cause.name}`;
  }
}

/**
 * What Step Functions raises when PutEvents answers FailedEntryCount > 0 (a successful HTTP call
 * whose entries were not all accepted), so Retry/Catch see it like any other task failure.
 */
export class EventBridgeFailedEntryError extends Error {
  constructor(answer: Record<string, unknown>) {
    super(JSON.stringify({ FailedEntryCount: answer.FailedEntryCount, Entries: answer.Entries }));
    this.name = "EventBridge.FailedEntry";
  }
}

function withoutMetadata(output: object): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  return rest;
}

async function call<T extends object>(
  service: string,
  send: () => Promise<T>,
): Promise<Record<string, unknown>> {
  try {
    return withoutMetadata(await send());
  } catch (error) {
    throw new ServiceIntegrationError(service, error instanceof Error ? error : new Error(String(error)));
  }
}

/** Step Functions sends an object MessageBody / Message as its JSON text. */
function withJsonText<T extends object>(parameters: unknown, field: string): T {
  const record = parameters as Record<string, unknown>;
  const value = record[field];
  return (typeof value === "string" ? record : { ...record, [field]: JSON.stringify(value) }) as T;
}

/**
 * The optimized integration sends an object Detail as its JSON text and appends the execution and
 * state machine ARNs to each entry's Resources.
 */
function putEventsInput(
  parameters: unknown,
  execution: ExecutionIdentity | undefined,
): PutEventsCommandInput {
  const record = parameters as Record<string, unknown>;
  const entries = Array.isArray(record.Entries) ? (record.Entries as Record<string, unknown>[]) : [];
  return {
    ...record,
    Entries: entries.map((entry) => {
      const withDetail = withJsonText<PutEventsRequestEntry>(entry, "Detail");
      return execution
        ? {
            ...withDetail,
            Resources: [...(withDetail.Resources ?? []), execution.executionArn, execution.stateMachineArn],
          }
        : withDetail;
    }),
  };
}

/**
 * Integrations by Task `Resource`. A resource missing here cannot run locally. `execution` names
 * the running execution where AWS would (EventBridge entries' Resources); without it, nothing is
 * appended.
 */
export function serviceIntegrations(
  clients: ServiceClients,
  execution?: ExecutionIdentity,
): Record<string, ServiceIntegration> {
  return {
    "arn:aws:states:::dynamodb:updateItem": (parameters) =>
      call("DynamoDB", () =>
        clients.dynamoDb.send(new UpdateItemCommand(parameters as UpdateItemCommandInput)),
      ),
    "arn:aws:states:::dynamodb:getItem": (parameters) =>
      call("DynamoDB", () => clients.dynamoDb.send(new GetItemCommand(parameters as GetItemCommandInput))),
    "arn:aws:states:::sns:publish": (parameters) =>
      call("SNS", () =>
        clients.sns.send(new PublishCommand(withJsonText<PublishCommandInput>(parameters, "Message"))),
      ),
    "arn:aws:states:::sqs:sendMessage": (parameters) =>
      call("SQS", () =>
        clients.sqs.send(
          new SendMessageCommand(withJsonText<SendMessageCommandInput>(parameters, "MessageBody")),
        ),
      ),
    "arn:aws:states:::events:putEvents": async (parameters) => {
      const answer = await call("EventBridge", () =>
        clients.eventBridge.send(new PutEventsCommand(putEventsInput(parameters, execution))),
      );
      if (typeof answer.FailedEntryCount === "number" && answer.FailedEntryCount > 0) {
        throw new EventBridgeFailedEntryError(answer);
      }
      return answer;
    },
  };
}
