/**
 * The Step Functions optimized service integrations the definition uses, executed against the
 * local emulators with the Task's own Parameters (which are the API's request shape). Errors get
 * the `<Service>.<ExceptionName>` names Step Functions gives them, so Retry/Catch behave as on AWS.
 */
import { DynamoDBClient, UpdateItemCommand, type UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { PublishCommand, SNSClient, type PublishCommandInput } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient, type SendMessageCommandInput } from "@aws-sdk/client-sqs";

export interface ServiceClients {
  readonly dynamoDb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

export type ServiceIntegration = (parameters: unknown) => Promise<unknown>;

/** Raised for a failed service call, named as Step Functions names it. */
export class ServiceIntegrationError extends Error {
  constructor(service: string, cause: Error) {
    super(cause.message, { cause });
    this.name = `${service}.${cause.name}`;
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

/** Integrations by Task `Resource`. A resource missing here cannot run locally. */
export function serviceIntegrations(clients: ServiceClients): Record<string, ServiceIntegration> {
  return {
    "arn:aws:states:::dynamodb:updateItem": (parameters) =>
      call("DynamoDB", () =>
        clients.dynamoDb.send(new UpdateItemCommand(parameters as UpdateItemCommandInput)),
      ),
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
  };
}
