/**
 * POST /webhook: authenticate, validate, accept once, publish "Transaction Received", answer 202.
 *
 * Order matters: the signature is checked on the raw body before anything else looks at it; a
 * delivery is recorded only once it is valid; it is answered 202 only once the bus accepted its
 * event. Every failure that a retry can fix answers 5xx (the provider retries), every failure the
 * sender must fix answers 4xx. The handler is built from its dependencies so the local runtime
 * runs this same code with its own secret and clients.
 */
import pRetry from "p-retry";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { errorResponse, jsonResponse, replayedJsonResponse } from "../shared/httpResponses";
import type { StoredResponse } from "../shared/intakeRecord";
import { redactPanText } from "../shared/pan";
import { headerValue, unsupportedMediaType } from "../shared/mediaType";
import { panInRequest } from "../shared/requestPans";
import { MetricName } from "../shared/metricNames";
import { addCount, logger } from "../shared/powertools";
import { publishTransactionReceived, transactionReceivedDetail } from "../shared/transactionReceivedEvent";
import type { WebhookIntakeConfig } from "./config";
import { IntakeStore, type ClaimResult } from "./intakeStore";
import type { SigningProviderSource } from "./signingSecretSource";
import { verifyWebhookSignature, type HeaderLookup } from "./signatureVerification";
import { parseWebhookBody, payloadHash } from "./webhookBody";
import { validateWebhookBody } from "./webhookValidation";

export interface WebhookIntakeDependencies {
  readonly config: WebhookIntakeConfig;
  readonly signingProviders: SigningProviderSource;
  readonly documentClient: DynamoDBDocumentClient;
  readonly eventBridge: EventBridgeClient;
  /** The clock; tests pin it. */
  readonly now?: () => Date;
  /**
   * How long a copy of a delivery still being accepted waits for the first answer before it
   * answers 503 (default 3,000 ms, well inside API Gateway's 29 s).
   */
  readonly inProgressWaitMs?: number;
}

export type WebhookIntakeHandler = LambdaHandler<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** Attempts at marking a published claim ACCEPTED before answering 202 anyway. */
const acceptAttempts = 3;

/** A claim outlives the invocation holding it by this much before a retry may take it over. */
const leaseMarginMs = 5_000;
const defaultLeaseMs = 30_000;
const defaultInProgressWaitMs = 3_000;
/** Between looks at a claim in progress: an accept takes a few milliseconds to tens of them. */
const inProgressPollMs = 50;

function headerLookup(event: APIGatewayProxyEvent): HeaderLookup {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === "string") headers.set(name.toLowerCase(), value);
  }
  return (name) => headers.get(name.toLowerCase());
}

/** Fails on bytes that are not UTF-8 instead of replacing them; keeps a byte-order mark as U+FEFF. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The body exactly as received. The webhook route is a binary media type, so API Gateway hands it
 * over base64-encoded and byte for byte. The signature libraries sign text, so the bytes are
 * decoded strictly: valid UTF-8 decodes one way only, which makes verifying the text the same as
 * verifying the bytes, and any other bytes (which a lossy decoding would merge, 0xFF and 0xFE
 * alike) are undefined and never verify.
 */
function rawBodyOf(event: APIGatewayProxyEvent): { text: string | undefined; bytes: number } {
  if (event.body === null || event.body === undefined) return { text: "", bytes: 0 };
  if (!event.isBase64Encoded) return { text: event.body, bytes: Buffer.byteLength(event.body, "utf8") };
  const buffer = Buffer.from(event.body, "base64");
  try {
    return { text: strictUtf8.decode(buffer), bytes: buffer.length };
  } catch {
    return { text: undefined, bytes: buffer.length };
  }
}

const webhookJson = {
  mediaType: "application/json",
  advice: "Send the transaction with Content-Type: application/json (optionally ; charset=utf-8).",
  notUtf8: "Only UTF-8 JSON is accepted.",
};

const unavailable = (code: string, message: string, retryAfterSeconds = 5): APIGatewayProxyResult =>
  errorResponse(503, { code, message }, {}, { "Retry-After": String(retryAfterSeconds) });

export function createWebhookIntakeHandler(dependencies: WebhookIntakeDependencies): WebhookIntakeHandler {
  const { config } = dependencies;
  const store = new IntakeStore(dependencies.documentClient, config.intakeTableName);
  const clock = dependencies.now ?? (() => new Date());

  /** The stored answer when this exact payload was accepted before under this provider's id. */
  async function acceptedEarlier(
    textView: Record<string, unknown>,
    provider: string,
  ): Promise<StoredResponse | undefined> {
    const id = textView.transaction_id;
    if (typeof id !== "string" || id.length === 0 || id.length > 128) return undefined;
    const record = await store.read(`${provider}#${id}`);
    if (record?.state !== "ACCEPTED" || record.payloadHash !== payloadHash(textView)) return undefined;
    return record.response;
  }

  /**
   * The event is on the bus: the answer is 202 whatever happens here. A claim left PENDING would
   * make a later repeat publish again after its lease, so marking it is retried first.
   */
  async function markAccepted(
    claim: ClaimResult & { kind: "claimed" },
    response: StoredResponse,
    logKeys: Record<string, unknown>,
  ): Promise<void> {
    let accepted: boolean;
    try {
      // At once: the provider is waiting for the answer.
      accepted = await pRetry(() => store.accept(claim.record, response), {
        retries: acceptAttempts - 1,
        minTimeout: 0,
      });
    } catch (error) {
      addCount("AcceptRecordFailures");
      logger.error("Published, but the intake record could not be marked accepted", {
        ...logKeys,
        error: error as Error,
      });
      return;
    }
    if (!accepted) logger.warn("Claim was taken over before it was marked accepted", logKeys);
  }

  const instrumented = lambdaHandler(
    async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
      correlateInvocation({ apiRequestId: event.requestContext?.requestId });
      const now = clock();
      // Says nothing about the request's content or signature, so it comes first.
      const mediaError = unsupportedMediaType(headerValue(event, "content-type"), webhookJson);
      if (mediaError) {
        addCount("WebhooksUnsupportedMediaType");
        return errorResponse(415, mediaError);
      }
      const raw = rawBodyOf(event);
      if (raw.text === undefined) {
        addCount(MetricName.webhookSignatureFailures);
        logger.warn("Webhook signature rejected", { reason: "BODY_NOT_UTF8" });
        return errorResponse(401, {
          code: "UNAUTHORIZED",
          message: "The webhook signature could not be verified.",
        });
      }
      const rawText = raw.text;

      let providers;
      try {
        providers = await dependencies.signingProviders();
      } catch (error) {
        logger.error("Signing secrets unavailable", error as Error);
        addCount("SigningSecretsUnavailable");
        return unavailable(
          "UNAVAILABLE",
          "The webhook endpoint cannot verify signatures right now; retry later.",
        );
      }
      const verification = verifyWebhookSignature(rawText, headerLookup(event), providers, now);
      if (!verification.verified) {
        addCount(MetricName.webhookSignatureFailures);
        logger.warn("Webhook signature rejected", { reason: verification.reason });
        return errorResponse(401, {
          code: "UNAUTHORIZED",
          message: "The webhook signature could not be verified.",
        });
      }
      // The delivery id is the sender's free text: it is logged and stored only with card numbers masked.
      const deliveryId =
        verification.deliveryId === undefined ? undefined : redactPanText(verification.deliveryId);
      // The delivery is what this invocation is about; a scheme without delivery ids (Stripe's)
      // is correlated by the transaction id once the body is valid.
      if (deliveryId !== undefined) correlateInvocation({ correlationId: deliveryId, webhookId: deliveryId });
      const logKeys = { provider: verification.provider };
      const panError = panInRequest(event);
      if (panError) {
        addCount("WebhooksInvalid");
        logger.info("Webhook refused", { ...logKeys, code: panError.code, field: panError.field });
        return errorResponse(400, panError);
      }

      if (raw.bytes > config.maxBodyBytes) {
        addCount("WebhooksTooLarge");
        logger.warn("Webhook body too large", { ...logKeys, bytes: raw.bytes });
        return errorResponse(413, {
          code: "PAYLOAD_TOO_LARGE",
          message: `The body is ${raw.bytes} bytes; at most ${config.maxBodyBytes} are accepted.`,
        });
      }
      const parsed = parseWebhookBody(rawText);
      if (!parsed.ok) {
        addCount("WebhooksInvalid");
        return errorResponse(400, { code: "INVALID_JSON", message: parsed.message });
      }
      const validation = validateWebhookBody(parsed.textView, parsed.valueView, verification.provider, {
        now,
        maxAmountUsdMinor: config.maxAmountUsdMinor,
      });
      if (!validation.valid) {
        // A repeat of a delivery accepted under earlier rules (limits, rates) keeps its first answer.
        const earlier = await acceptedEarlier(parsed.textView, verification.provider);
        if (earlier) {
          addCount("WebhookDuplicates");
          return replayedJsonResponse(earlier.statusCode, earlier.body);
        }
        addCount("WebhooksInvalid");
        logger.info("Webhook transaction invalid", {
          ...logKeys,
          reasonCodes: validation.reasons.map((reason) => reason.code),
        });
        const [first, ...rest] = validation.reasons;
        return errorResponse(
          400,
          first ?? { code: "INVALID_BODY", message: "The body is not a valid transaction." },
          {
            ...(rest.length > 0 ? { details: validation.reasons } : {}),
          },
        );
      }

      const key = `${verification.provider}#${validation.transaction.transactionId}`;
      correlateInvocation({
        transactionId: key,
        ...(deliveryId === undefined ? { correlationId: key } : {}),
      });
      const remainingMs =
        typeof context.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : 0;
      const received = transactionReceivedDetail(key, validation.transaction);
      const claimRequest = {
        transactionId: key,
        source: "webhook",
        provider: verification.provider,
        deliveryId,
        payloadHash: payloadHash(parsed.textView),
        now,
        leaseMs: (remainingMs > 0 ? remainingMs : defaultLeaseMs) + leaseMarginMs,
        retentionHours: config.retentionHours,
        received,
      };
      let claim = await store.claim(claimRequest);
      // A copy racing the first delivery waits for its answer (or for its released claim).
      const waitUntil = Date.now() + (dependencies.inProgressWaitMs ?? defaultInProgressWaitMs);
      while (claim.kind === "inProgress" && Date.now() < waitUntil) {
        await new Promise((resolve) => setTimeout(resolve, inProgressPollMs));
        claim = await store.claim({ ...claimRequest, now: clock() });
      }

      switch (claim.kind) {
        case "conflict":
          addCount("WebhookConflicts");
          logger.warn("Same transaction id, different payload", logKeys);
          return errorResponse(409, {
            code: "IDEMPOTENCY_CONFLICT",
            message: `transaction_id ${validation.transaction.transactionId} was already received with a different payload.`,
            field: "transaction_id",
          });
        case "duplicate":
          addCount("WebhookDuplicates");
          logger.info("Duplicate delivery answered from the intake record", logKeys);
          return replayedJsonResponse(claim.response.statusCode, claim.response.body);
        case "inProgress":
          addCount("WebhooksInProgress");
          logger.info("Delivery of a transaction still being accepted", logKeys);
          return unavailable(
            "DELIVERY_IN_PROGRESS",
            "An earlier delivery of this transaction is still being accepted; retry later.",
            claim.retryAfterSeconds,
          );
        case "claimed":
          break;
      }

      try {
        const eventId = await publishTransactionReceived(
          dependencies.eventBridge,
          config.eventBusName,
          received,
        );
        logger.info("Transaction received", { ...logKeys, eventId, takenOver: claim.takenOver });
      } catch (error) {
        addCount("EventPublishFailures");
        logger.error("Transaction Received not published; claim released", {
          ...logKeys,
          error: error as Error,
        });
        const released = await store.release(claim.record).catch((releaseError: unknown) => {
          // The claim then expires at its lease and the provider's retry takes it over.
          logger.error("Claim release failed", { ...logKeys, error: releaseError as Error });
          return false;
        });
        if (!released) logger.warn("Claim left to expire", logKeys);
        return unavailable(
          "EVENT_NOT_ACCEPTED",
          "The transaction could not be queued for processing; retry later.",
        );
      }

      const answer = jsonResponse(202, { transaction_id: key, status: "RECEIVED" });
      await markAccepted(claim, { statusCode: answer.statusCode, body: answer.body }, logKeys);
      addCount(MetricName.webhooksAccepted);
      return answer;
    },
  );
  return (event, context) =>
    instrumented(event, context).catch((error: unknown) => {
      // Only store failures get here (the handler logged and counted them): the provider should retry.
      if (error instanceof Error && error.name === "IntakeStoreError") {
        return unavailable("UNAVAILABLE", "The transaction could not be recorded; retry later.");
      }
      throw error;
    });
}
