/**
 * UploadNotifications component under Pulumi mocks, plus its pure target builder.
 *
 * What a mock test cannot prove: that S3 accepts the configuration (it checks, when saving it,
 * that it may invoke each function, which is why the notification depends on the permissions),
 * that S3 really sends events for objects matching the prefix and suffix filters and no others,
 * that the permissions' sourceArn and sourceAccount match what S3 presents, or that `dependsOn`
 * orders the notification after the permissions (mocks do not record dependencies; registration
 * order below is consistent with it but would be the same without it).
 */
import { expect } from "chai";
import {
  UploadNotifications,
  type UploadNotificationsArgs,
} from "../../components/uploads/uploadNotifications";
import { uploadNotificationTargets } from "../../pipeline";
import { installMocks, type MockRecorder, type RecordedResource } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const notificationType = "aws:s3/bucketNotification:BucketNotification";
const permissionType = "aws:lambda/permission:Permission";

const accountId = "123456789012";
const bucketName = "uploads-uploads-0123abcd";
const bucketArn = `arn:aws:s3:::${bucketName}`;
const intakeArn = `arn:aws:lambda:eu-west-1:${accountId}:function:csv-intake`;
const transformArn = `arn:aws:lambda:eu-west-1:${accountId}:function:csv-transform`;

const baseArgs: UploadNotificationsArgs = {
  bucketName,
  bucketArn,
  intakeFunctionArn: intakeArn,
  transformFunctionArn: transformArn,
};

describe("UploadNotifications component", () => {
  let recorder: MockRecorder;

  function exact(type: string, name: string): RecordedResource {
    const matches = recorder.ofType(type).filter((resource) => resource.name === name);
    if (matches.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${matches.length}`);
    return matches[0];
  }
  const order = (type: string, name: string) => recorder.resources.indexOf(exact(type, name));

  before(async () => {
    recorder = await installMocks("upload-notifications-test");
    new UploadNotifications("upload-events", baseArgs);
    await settledResources(recorder);
  });

  after(() => settledResources(recorder));

  it("creates exactly one bucket notification and two Lambda permissions", () => {
    expect(
      recorder.resources
        .map((resource) => [resource.type, resource.name])
        .sort(([, a], [, b]) => a.localeCompare(b)),
    ).to.deep.equal([
      ["txn:ingest:UploadNotifications", "upload-events"],
      [permissionType, "upload-events-intake-permission"],
      [notificationType, "upload-events-notification"],
      [permissionType, "upload-events-transform-permission"],
    ]);
  });

  it("notification: ObjectCreated:* under uploads/*.csv → intake, under validated/*.csv → transform", () => {
    expect(exact(notificationType, "upload-events-notification").inputs).to.deep.equal({
      bucket: bucketName,
      lambdaFunctions: [
        {
          id: "validate-presigned-upload",
          events: ["s3:ObjectCreated:*"],
          filterPrefix: "uploads/",
          filterSuffix: ".csv",
          lambdaFunctionArn: intakeArn,
        },
        {
          id: "load-validated-file",
          events: ["s3:ObjectCreated:*"],
          filterPrefix: "validated/",
          filterSuffix: ".csv",
          lambdaFunctionArn: transformArn,
        },
      ],
    });
  });

  it("permissions: s3.amazonaws.com may invoke each function, sourceArn the bucket, sourceAccount the account", () => {
    const grant = (functionArn: string) => ({
      function: functionArn,
      action: "lambda:InvokeFunction",
      principal: "s3.amazonaws.com",
      sourceArn: bucketArn,
      sourceAccount: accountId,
    });
    expect(exact(permissionType, "upload-events-intake-permission").inputs).to.deep.equal(grant(intakeArn));
    expect(exact(permissionType, "upload-events-transform-permission").inputs).to.deep.equal(
      grant(transformArn),
    );
  });

  it("the notification registers after both permissions", () => {
    const notification = order(notificationType, "upload-events-notification");
    expect(order(permissionType, "upload-events-intake-permission")).to.be.lessThan(notification);
    expect(order(permissionType, "upload-events-transform-permission")).to.be.lessThan(notification);
  });

  it("asks the provider only for the caller identity (the account)", () => {
    expect([...new Set(recorder.calls.map((call) => call.token))]).to.deep.equal([
      "aws:index/getCallerIdentity:getCallerIdentity",
    ]);
  });

  describe("argument checks", () => {
    const build = (overrides: Partial<UploadNotificationsArgs>) => () =>
      new UploadNotifications("bad", { ...baseArgs, ...overrides } as UploadNotificationsArgs);

    it("every argument is required, named in the message", () => {
      expect(build({ bucketName: "" })).to.throw(/bucketName is required/);
      expect(build({ bucketArn: undefined })).to.throw(/bucketArn is required/);
      expect(build({ intakeFunctionArn: "" })).to.throw(/intakeFunctionArn is required/);
      expect(build({ transformFunctionArn: undefined })).to.throw(/transformFunctionArn is required/);
    });

    it("bucketName must be a bucket name and bucketArn that bucket's ARN", () => {
      expect(build({ bucketName: "Uploads_Bucket" })).to.throw(
        /bucketName "Uploads_Bucket" is not an S3 bucket name/,
      );
      expect(build({ bucketArn: "arn:aws:s3:::other-bucket" })).to.throw(
        /bucketArn "arn:aws:s3:::other-bucket" is not the bucket bucketName/,
      );
      expect(build({ bucketArn: `arn:aws:s3:::${bucketName}/uploads/*` })).to.throw(
        /bucketArn ".*" is not an S3 bucket ARN/,
      );
    });

    it("function ARNs must be unqualified Lambda function ARNs", () => {
      expect(build({ intakeFunctionArn: `${intakeArn}:live` })).to.throw(
        /intakeFunctionArn ".*:live" must be an unqualified Lambda function ARN/,
      );
      expect(build({ transformFunctionArn: "csv-transform" })).to.throw(
        /transformFunctionArn "csv-transform"/,
      );
    });
  });
});

describe("upload notification targets (the pipeline description)", () => {
  it("prefixes do not overlap and both filter on .csv", () => {
    const targets = uploadNotificationTargets;
    expect(
      targets.map((target) => [target.filterPrefix, target.filterSuffix, target.function]),
    ).to.deep.equal([
      ["uploads/", ".csv", "csv-intake"],
      ["validated/", ".csv", "csv-transform"],
    ]);
    const [first, second] = targets.map((target) => target.filterPrefix);
    expect(first.startsWith(second) || second.startsWith(first)).to.equal(false);
  });
});
