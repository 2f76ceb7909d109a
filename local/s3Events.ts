/**
 * S3 event notifications for the local runtime. fauxqs stores objects but sends no notifications
 * (and swallows PUT ?notification), so the runtime delivers them itself: fauxqs's message spy
 * records an `uploaded` event for every object written (PutObject, CopyObject, a completed
 * multipart upload, a presigned PUT), and a standing spy waiter whose filter sees each event as it
 * is recorded turns the ones for the watched bucket into ObjectCreated notifications shaped as S3
 * sends them to Lambda (event version 2.1, key URL-encoded with spaces as "+").
 *
 * Delivery is asynchronous like S3's Lambda invocations: after the write has answered, to every
 * target whose prefix and suffix match (S3 filter rules), with Lambda's asynchronous retries (the
 * first attempt and up to two more); a delivery that fails every attempt is counted and kept.
 *
 * Differences from S3: the event name is always ObjectCreated:Put (the spy does not say which
 * call wrote the object), size and eTag come from a HeadObject just before delivery, and there is
 * no event for deletions.
 */
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import type { FauxqsServer, SpyMessage } from "fauxqs";
import { localRegion } from "./awsClients";
import { deliverWithRetries, errorText } from "./deliveryRetries";
import { TrackedWork } from "./trackedWork";

/** One Lambda target of the bucket's notification configuration. */
export interface S3NotificationTarget {
  /** The configuration id (S3's `configurationId` in the event). */
  readonly id: string;
  readonly filterPrefix: string;
  readonly filterSuffix: string;
  readonly deliver: (event: S3Event) => Promise<unknown>;
}

/** A notification whose every attempt failed. */
export interface FailedS3Delivery {
  readonly targetId: string;
  readonly key: string;
  readonly error: string;
  readonly attempts: number;
}

export interface LocalS3NotificationsOptions {
  readonly fauxqs: FauxqsServer;
  /** Reads size and ETag of the created object. */
  readonly s3: S3Client;
  readonly bucket: string;
  readonly targets: readonly S3NotificationTarget[];
  /** Attempts per notification, the first included. Default 3, as Lambda's asynchronous invocation. */
  readonly deliveryAttempts?: number;
  /**
   * Pause before the first retry in milliseconds, doubled before each later one, as Lambda waits
   * about 1 then 2 minutes. Default 0.
   */
  readonly retryDelayMs?: number;
}

/** S3 writes the key URL-encoded with spaces as "+", keeping "/" as is. */
export function s3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}

export function objectCreatedNotification(
  bucket: string,
  key: string,
  object: { readonly size: number; readonly eTag: string },
  configurationId: string,
  sequencer: number,
): S3Event {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: localRegion,
        eventTime: new Date().toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "AWS:LOCAL" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId,
          bucket: { name: bucket, ownerIdentity: { principalId: "LOCAL" }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: s3EventKey(key),
            size: object.size,
            eTag: object.eTag.replace(/"/g, ""),
            sequencer: sequencer.toString(16).toUpperCase().padStart(18, "0"),
          },
        },
      },
    ],
  };
}

export class LocalS3Notifications {
  private readonly inFlight = new TrackedWork();
  private readonly failures: FailedS3Delivery[] = [];
  private readonly deliveryAttempts: number;
  private readonly retryDelayMs: number;
  private sequencer = 0;
  private stopped = false;

  constructor(private readonly options: LocalS3NotificationsOptions) {
    const attempts = options.deliveryAttempts ?? 3;
    if (!Number.isSafeInteger(attempts) || attempts < 1) {
      throw new Error(`deliveryAttempts must be a whole number of at least 1, got ${attempts}`);
    }
    this.deliveryAttempts = attempts;
    this.retryDelayMs = options.retryDelayMs ?? 0;
    this.watch();
  }

  /** Deliveries that failed every attempt, oldest first. */
  failedDeliveries(): readonly FailedS3Delivery[] {
    return [...this.failures];
  }

  /** True while a notification is being delivered (or waiting for its retry). */
  busy(): boolean {
    return this.inFlight.busy();
  }

  /** Resolves once no notification is in flight, including ones caused by deliveries. */
  async idle(): Promise<void> {
    await this.inFlight.idle();
  }

  /** No new notifications after this; the ones in flight still finish (await idle()). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * A waiter that never resolves: the spy calls its filter synchronously for each new event, which
   * is the only per-event hook fauxqs offers. The buffer check at registration is ignored (events
   * written before the runtime started are not notified). The spy's clear() (reset, purgeAll)
   * rejects pending waiters, so the waiter is then registered again.
   */
  private watch(): void {
    let armed = false;
    const waiting = this.options.fauxqs.spy.waitForMessage((message: SpyMessage) => {
      if (armed && !this.stopped) this.observe(message);
      return false;
    });
    armed = true;
    waiting.catch(() => {
      if (!this.stopped) this.watch();
    });
  }

  private observe(message: SpyMessage): void {
    if (message.service !== "s3" || message.status !== "uploaded") return;
    if (message.bucket !== this.options.bucket) return;
    for (const target of this.options.targets) {
      if (!message.key.startsWith(target.filterPrefix) || !message.key.endsWith(target.filterSuffix))
        continue;
      this.sequencer += 1;
      const sequencer = this.sequencer;
      // setImmediate: the target runs after the write has answered, never inside it.
      const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        this.deliver(target, message.key, sequencer),
      );
      this.inFlight.track(delivery);
    }
  }

  private async deliver(target: S3NotificationTarget, key: string, sequencer: number): Promise<void> {
    // Doubling pauses.
    const outcome = await deliverWithRetries(
      async () => {
        const head = await this.options.s3.send(
          new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }),
        );
        const event = objectCreatedNotification(
          this.options.bucket,
          key,
          { size: head.ContentLength ?? 0, eTag: head.ETag ?? "" },
          target.id,
          sequencer,
        );
        await target.deliver(event);
      },
      { attempts: this.deliveryAttempts, delayMs: this.retryDelayMs, factor: 2 },
    );
    if (!outcome.delivered) {
      this.failures.push({
        targetId: target.id,
        key,
        error: errorText(outcome.error),
        attempts: outcome.attempts,
      });
    }
  }
}
