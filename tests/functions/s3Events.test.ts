/**
 * The shared reading of S3 event notifications: Powertools' schema of the event (with IPv6 source
 * addresses accepted) and the one decoder of the keys in it.
 */
import { expect } from "chai";
import { S3Schema } from "@aws-lambda-powertools/parser/schemas/s3";
import { decodeS3EventKey, s3EventSchema } from "../../functions/shared/s3Events";
import { objectCreatedEvent } from "./support/s3Events";

describe("S3 event notifications", () => {
  it("reads a record whose request came from an IPv6 address (dual-stack endpoint)", () => {
    // Prepare
    const event = objectCreatedEvent("uploads", "uploads/file-0001.csv");
    event.Records[0].requestParameters.sourceIPAddress = "2001:db8::8a2e:370:7334";
    // Act
    const ours = s3EventSchema.safeParse(event);
    const powertools = S3Schema.safeParse(event);
    // Assess: Powertools' own schema refuses it, which would drop a real upload as malformed.
    expect(ours.success).to.equal(true);
    expect(powertools.success).to.equal(false);
  });

  it("refuses a notification without records or with a record missing what S3 always sends", () => {
    // Prepare
    const withoutTime = objectCreatedEvent("uploads", "uploads/file-0001.csv") as unknown as {
      Records: Array<Record<string, unknown>>;
    };
    delete withoutTime.Records[0].eventTime;
    // Act
    const empty = s3EventSchema.safeParse({ Records: [] });
    const missing = s3EventSchema.safeParse(withoutTime);
    // Assess
    expect(empty.success).to.equal(false);
    expect(missing.success).to.equal(false);
  });

  it("decodes keys as S3 encodes them, and gives nothing for a broken encoding", () => {
    expect(decodeS3EventKey("uploads/card+file%2B1.csv")).to.equal("uploads/card file+1.csv");
    expect(decodeS3EventKey("validated%2Ffile-0001.csv")).to.equal("validated/file-0001.csv");
    expect(decodeS3EventKey("uploads/%E0%A4%A.csv")).to.equal(undefined);
  });
});
