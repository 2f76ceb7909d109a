/**
 * Where the compliance function gets its screener. Deployed, from the screening-lists bucket
 * (through the S3 gateway endpoint): the newest index version at cold start, re-checked every few
 * minutes so a refresh reaches warm containers without a deploy. Until a refresh has written a
 * version, and locally, from the list bundled with the code. A failed re-check keeps the screener
 * it has: screening never stops for a list that could not be read.
 */
import { GetObjectCommand, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";
import { createHash } from "crypto";
import { gunzipSync } from "zlib";
import { latestPointerKey, latestPointerSchema, type LatestPointer } from "./indexStoreLayout";
import { SanctionsScreener, type ScreeningThresholds } from "./sanctionsScreener";
import { parseScreeningIndex, type ScreeningIndex } from "./screeningIndex";

export interface ScreenerSource {
  /** The screener to use now, loading or refreshing it first when due. */
  screener(now: Date): Promise<SanctionsScreener>;
}

/** The bundled list, built once. */
export class FixedScreenerSource implements ScreenerSource {
  private built?: SanctionsScreener;

  constructor(
    private readonly index: () => ScreeningIndex,
    private readonly thresholds: ScreeningThresholds,
  ) {}

  async screener(): Promise<SanctionsScreener> {
    this.built ??= new SanctionsScreener(this.index(), this.thresholds);
    return this.built;
  }
}

export interface BucketScreenerSourceOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly thresholds: ScreeningThresholds;
  readonly recheckMs: number;
  /** Used when the bucket has no version yet. */
  readonly fallback: () => ScreeningIndex;
  /** Told when a re-check fails or the fallback is used. */
  readonly warn: (message: string, details: Record<string, unknown>) => void;
}

async function bodyBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (answer.Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  return Buffer.from(await answer.Body.transformToByteArray());
}

export class BucketScreenerSource implements ScreenerSource {
  private current?: SanctionsScreener;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pending?: Promise<SanctionsScreener>;

  constructor(private readonly options: BucketScreenerSourceOptions) {}

  async screener(now: Date): Promise<SanctionsScreener> {
    if (this.current !== undefined && now.getTime() - this.checkedAt < this.options.recheckMs)
      return this.current;
    // One check at a time, whatever the concurrency of the caller.
    this.pending ??= this.check(now).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async check(now: Date): Promise<SanctionsScreener> {
    const { s3, bucket, thresholds, fallback, warn } = this.options;
    try {
      const pointer = await this.readPointer();
      this.checkedAt = now.getTime();
      if (pointer === undefined) {
        if (this.current === undefined)
          warn("No screening-index version in the bucket yet: using the bundled list", { bucket });
        this.current ??= new SanctionsScreener(fallback(), thresholds);
        return this.current;
      }
      if (this.current?.version === pointer.version) return this.current;
      const bytes = await bodyBytes(s3, bucket, pointer.key);
      const hash = createHash("sha256").update(bytes).digest("hex");
      if (hash !== pointer.sha256)
        throw new Error(`${pointer.key} has SHA-256 ${hash}, latest.json says ${pointer.sha256}`);
      const index = parseScreeningIndex(JSON.parse(gunzipSync(bytes).toString("utf8")));
      if (index.version !== pointer.version)
        throw new Error(`${pointer.key} holds ${index.version}, not ${pointer.version}`);
      // Indexed before it is swapped in: no transaction waits for a refreshed list.
      this.current = new SanctionsScreener(index, thresholds).warm();
      return this.current;
    } catch (error) {
      if (this.current === undefined) throw error;
      // Keep screening with what we have; try again at the next interval.
      this.checkedAt = now.getTime();
      warn("Screening-index re-check failed: keeping the loaded version", {
        version: this.current.version,
        error: (error as Error).message,
      });
      return this.current;
    }
  }

  private async readPointer(): Promise<LatestPointer | undefined> {
    let bytes: Buffer;
    try {
      bytes = await bodyBytes(this.options.s3, this.options.bucket, latestPointerKey);
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
    return latestPointerSchema.parse(JSON.parse(bytes.toString("utf8")));
  }
}
