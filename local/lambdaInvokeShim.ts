/**
 * Runs a real Lambda handler in process and answers the way the Step Functions `lambda:invoke`
 * integration does: the payload wrapped in `{Payload, StatusCode, ...}` on success, and on a
 * function error an error whose `name` is the errorType and whose message is the JSON error
 * document Lambda returns, so Retry/Catch match exactly as they would on AWS.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LambdaInvokeResponse {
  readonly ExecutedVersion: string;
  readonly Payload: unknown;
  readonly StatusCode: number;
  readonly SdkHttpMetadata: { readonly HttpStatusCode: number };
  readonly SdkResponseMetadata: { readonly RequestId: string };
}

/** The error the lambda:invoke integration raises for a function error. */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string, trace: string[]) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

export function localLambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Lambda payloads cross the wire as JSON: a value JSON cannot carry must fail here too. */
function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

export async function invokeLocally(
  functionName: string,
  handler: LambdaHandler,
  payload: unknown,
): Promise<LambdaInvokeResponse> {
  const requestId = randomUUID();
  let result: unknown;
  try {
    result = await handler(asJson(payload), localLambdaContext(functionName));
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    throw new LambdaFunctionError(failure.name, failure.message, (failure.stack ?? "").split("\n"));
  }
  return {
    ExecutedVersion: "$LATEST",
    Payload: asJson(result),
    StatusCode: 200,
    SdkHttpMetadata: { HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}
