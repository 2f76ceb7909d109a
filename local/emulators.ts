/**
 * Starts the local emulators: dynalite (DynamoDB API) on a thread of its own (dynaliteThread.ts),
 * fauxqs (SNS, SQS, S3) in this one, on loopback ports chosen by the OS unless given, and the S3
 * endpoint in front of fauxqs that takes PUTs larger than its body limit (s3Endpoint.ts).
 */
import type { FauxqsServer } from "fauxqs";
import { startDynaliteThread } from "./dynaliteThread";
import { startLocalS3Endpoint, type LocalS3Endpoint } from "./s3Endpoint";

export interface Emulators {
  readonly dynamoDbEndpoint: string;
  /** fauxqs: SNS and SQS, and S3 for requests within its 11 MiB body limit. */
  readonly messagingEndpoint: string;
  /** S3 for any request, PUTs of up to 5 GB included (fauxqs behind s3Endpoint.ts). */
  readonly s3Endpoint: string;
  readonly fauxqs: FauxqsServer;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  readonly dynamoDbPort?: number;
  readonly messagingPort?: number;
  /** Persist DynamoDB data in this folder across restarts. */
  readonly dataDirectory?: string;
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const dynamo = await startDynaliteThread(options.dynamoDbPort, options.dataDirectory);
  let fauxqs: FauxqsServer;
  try {
    // fauxqs is published as an ES module only.
    const { startFauxqs } = await import("fauxqs");
    fauxqs = await startFauxqs({
      port: options.messagingPort ?? 0,
      host: "127.0.0.1",
      logger: false,
      messageSpies: { bufferSize: 10_000 },
    });
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
  const messagingEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  let s3: LocalS3Endpoint;
  try {
    s3 = await startLocalS3Endpoint({ upstream: messagingEndpoint });
  } catch (error) {
    await fauxqs.stop();
    await dynamo.stop();
    throw error;
  }
  return {
    dynamoDbEndpoint: dynamo.endpoint,
    messagingEndpoint,
    s3Endpoint: s3.endpoint,
    fauxqs,
    async stop() {
      await s3.stop();
      await fauxqs.stop();
      await dynamo.stop();
    },
  };
}
