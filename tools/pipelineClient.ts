/**
 * What a client of the pipeline's API does, over real HTTP: signed webhook deliveries, reading a
 * transaction or a file back (waiting for the pipeline to decide), CSV uploads, and a look into the
 * dead-letter queue. Works the same against the local stack and a deployed one (the demo and the
 * end-to-end suite use it).
 */
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { standardWebhooksHeaders } from "../local/webhookSigning";

/** Where the pipeline is and how to talk to it. */
export interface PipelineEndpoint {
  readonly outputs: {
    readonly apiUrl: string;
    readonly webhookUrl: string;
    readonly uploadUrl?: string;
    readonly uploadsUrl?: string;
    readonly filesUrl?: string;
    readonly deadLetterQueueUrl?: string;
  };
  /** The status key (GET /transactions/{id}). */
  readonly apiKey: string;
  /** The upload key (POST /upload, POST /uploads, GET /files/{id}). */
  readonly uploadApiKey: string;
  readonly webhookSecret: string;
  /** The Standard Webhooks provider the secret belongs to: ids are stored as `<provider>#<id>`. */
  readonly providerName: string;
  /** Unique per run, so the same pipeline can take the run again without id collisions. */
  readonly runId: string;
  /** Resolves once accepted work has settled, when the pipeline can tell (the in-process one can). */
  readonly settled?: () => Promise<void>;
  /** Longest wait for a decision or a file to finish. */
  readonly decisionTimeoutMs: number;
  /** For peeking into the dead-letter queue; absent when the queue is out of reach. */
  readonly sqs?: SQSClient;
}

export interface HttpAnswer<Body = Record<string, unknown>> {
  readonly status: number;
  readonly body: Body;
  readonly text: string;
}

export interface TransactionView {
  readonly transaction_id: string;
  readonly status: string;
  readonly amount?: string;
  readonly currency?: string;
  readonly decision?: {
    readonly status: string;
    readonly lane: string;
    readonly reasons: readonly { readonly code: string; readonly message?: string }[];
    readonly fraud?: { readonly score: number; readonly level: string };
    readonly compliance?: { readonly decision: string; readonly rules: readonly unknown[] };
  };
}

export interface FileView {
  readonly file_id: string;
  readonly status: string;
  readonly rows?: number;
  readonly valid_rows?: number;
  readonly invalid_rows?: number;
  readonly errors?: readonly { readonly line: number; readonly code: string; readonly message: string }[];
  readonly decided_rows?: number;
  readonly approved?: number;
  readonly review?: number;
  readonly rejected?: number;
}

async function answer<Body>(response: Response): Promise<HttpAnswer<Body>> {
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { unparsed: text };
  }
  return { status: response.status, body: body as Body, text };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class PipelineClient {
  constructor(readonly target: PipelineEndpoint) {}

  /** A transaction id unique to this run. */
  transactionId(label: string): string {
    return `${this.target.runId}-${label}`;
  }

  /** The key the pipeline stores a webhook transaction under. */
  key(transactionId: string): string {
    return `${this.target.providerName}#${transactionId}`;
  }

  async postWebhook(
    body: string | Record<string, unknown>,
    options: { readonly deliveryId?: string; readonly secret?: string; readonly signature?: string } = {},
  ): Promise<HttpAnswer> {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      ...standardWebhooksHeaders({
        secret: options.secret ?? this.target.webhookSecret,
        body: text,
        id: options.deliveryId,
      }),
    };
    if (options.signature !== undefined) headers["webhook-signature"] = options.signature;
    return answer(await fetch(this.target.outputs.webhookUrl, { method: "POST", headers, body: text }));
  }

  async getTransaction(key: string, apiKey = this.target.apiKey): Promise<HttpAnswer<TransactionView>> {
    const url = `${this.target.outputs.apiUrl}/transactions/${encodeURIComponent(key)}`;
    return answer(await fetch(url, { headers: { "x-api-key": apiKey } }));
  }

  /** The transaction once it is no longer RECEIVED; the last answer when time runs out. */
  async waitForDecision(key: string): Promise<HttpAnswer<TransactionView>> {
    await this.target.settled?.();
    const deadline = Date.now() + this.target.decisionTimeoutMs;
    for (;;) {
      const current = await this.getTransaction(key);
      if (current.status !== 200 || current.body.status !== "RECEIVED" || Date.now() > deadline)
        return current;
      await sleep(250);
    }
  }

  async uploadCsv(csv: string, contentType = "text/csv"): Promise<HttpAnswer<FileView>> {
    const url = this.target.outputs.uploadUrl ?? `${this.target.outputs.apiUrl}/upload`;
    return answer(
      await fetch(url, {
        method: "POST",
        headers: { "x-api-key": this.target.uploadApiKey, "Content-Type": contentType },
        body: csv,
      }),
    );
  }

  async requestUploadUrl(): Promise<HttpAnswer> {
    const url = this.target.outputs.uploadsUrl ?? `${this.target.outputs.apiUrl}/uploads`;
    return answer(await fetch(url, { method: "POST", headers: { "x-api-key": this.target.uploadApiKey } }));
  }

  async getFile(fileId: string): Promise<HttpAnswer<FileView>> {
    const base = this.target.outputs.filesUrl ?? `${this.target.outputs.apiUrl}/files`;
    return answer(
      await fetch(`${base}/${encodeURIComponent(fileId)}`, {
        headers: { "x-api-key": this.target.uploadApiKey },
      }),
    );
  }

  /** The file once it reaches one of `statuses`; the last answer when time runs out. */
  async waitForFile(fileId: string, statuses: readonly string[]): Promise<HttpAnswer<FileView>> {
    await this.target.settled?.();
    const deadline = Date.now() + this.target.decisionTimeoutMs;
    for (;;) {
      const current = await this.getFile(fileId);
      if (statuses.includes(current.body.status) || Date.now() > deadline) return current;
      await sleep(250);
    }
  }

  /** Bodies of the messages now in the pipeline's dead-letter queue, left in place (peeked). */
  async deadLetterBodies(): Promise<string[]> {
    const { sqs } = this.target;
    const queueUrl = this.target.outputs.deadLetterQueueUrl;
    if (!sqs || !queueUrl) return [];
    const bodies = new Map<string, string>();
    // Visibility 0 leaves each message for the next receive; repeated receives sample the queue.
    for (let round = 0; round < 10; round += 1) {
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
        }),
      );
      const messages = received.Messages ?? [];
      if (messages.length === 0) break;
      for (const message of messages)
        bodies.set(message.MessageId ?? String(bodies.size), message.Body ?? "");
    }
    return [...bodies.values()];
  }
}
