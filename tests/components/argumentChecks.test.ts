/**
 * The argument checks every component shares, as pure functions (no mocks needed). The components'
 * own tests show each component calls them with its arguments; these show what the checks accept.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import {
  checkComponentName,
  checkKmsKeyArn,
  checkRequired,
  checkScheduleExpression,
  checkUnqualifiedFunctionArn,
} from "../../components/platform/argumentChecks";

interface ExampleArgs {
  readonly tableName?: string | null;
  readonly kmsKeyArn?: pulumi.Input<string>;
}

describe("component argument checks", () => {
  describe("checkRequired", () => {
    it("names the first required argument that is unset, null or empty, in the order given", () => {
      // Prepare
      const unset: ExampleArgs = { kmsKeyArn: "arn" };
      const empty: ExampleArgs = { tableName: "", kmsKeyArn: "arn" };
      const nulled: ExampleArgs = { tableName: null, kmsKeyArn: "arn" };

      // Act / Assess
      expect(() => checkRequired(unset, ["tableName", "kmsKeyArn"])).to.throw(/^tableName is required$/);
      expect(() => checkRequired(empty, ["tableName", "kmsKeyArn"])).to.throw(/^tableName is required$/);
      expect(() => checkRequired(nulled, ["kmsKeyArn", "tableName"])).to.throw(/^tableName is required$/);
    });

    it("accepts set values, an Output among them (it cannot be inspected before deployment)", () => {
      const args: ExampleArgs = { tableName: "t", kmsKeyArn: pulumi.output("arn") };
      expect(() => checkRequired(args, ["tableName", "kmsKeyArn"])).not.to.throw();
    });
  });

  describe("checkComponentName", () => {
    it("accepts lowercase letters, digits and single dashes up to the maximum length", () => {
      expect(() => checkComponentName("Archival", "archival-2", 10)).not.to.throw();
      expect(() => checkComponentName("Archival", "a".repeat(10), 10)).not.to.throw();
    });

    it("names the component, the name, the limit and what the name prefixes", () => {
      expect(() => checkComponentName("UploadStore", "Uploads", 28, "it prefixes the bucket")).to.throw(
        'UploadStore name "Uploads" must be lowercase letters, digits and single dashes, at most 28 characters (it prefixes the bucket)',
      );
      expect(() => checkComponentName("ScreeningListsRefresh", "a--b", 30)).to.throw(
        'ScreeningListsRefresh name "a--b" must be lowercase letters, digits and single dashes, at most 30 characters',
      );
      expect(() => checkComponentName("Archival", "a".repeat(11), 10)).to.throw(/at most 10 characters/);
    });
  });

  describe("checkKmsKeyArn", () => {
    it("accepts a key ARN in any partition, and an Output (checked by AWS at deploy time)", () => {
      expect(() => checkKmsKeyArn("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab")).not.to.throw();
      expect(() => checkKmsKeyArn("arn:aws-cn:kms:cn-north-1:111122223333:key/1234")).not.to.throw();
      expect(() => checkKmsKeyArn(pulumi.output("alias/anything"))).not.to.throw();
    });

    it("refuses an alias or a bare key id, naming the argument", () => {
      expect(() => checkKmsKeyArn("alias/pipeline")).to.throw(
        /^kmsKeyArn "alias\/pipeline" is not a KMS key ARN/,
      );
      expect(() => checkKmsKeyArn("1234abcd-12ab")).to.throw(/^kmsKeyArn "1234abcd-12ab"/);
    });
  });

  describe("checkUnqualifiedFunctionArn", () => {
    it("answers the function's name of an unqualified ARN in any partition, nothing for an Output", () => {
      expect(
        checkUnqualifiedFunctionArn(
          "functionArn",
          "arn:aws:lambda:eu-west-1:111122223333:function:csv-intake",
        ),
      ).to.equal("csv-intake");
      expect(
        checkUnqualifiedFunctionArn("functionArn", "arn:aws-cn:lambda:cn-north-1:111122223333:function:f_1"),
      ).to.equal("f_1");
      expect(checkUnqualifiedFunctionArn("functionArn", pulumi.output("anything"))).to.equal(undefined);
    });

    it("refuses a qualified ARN or a bare name, naming the argument", () => {
      for (const arn of ["arn:aws:lambda:eu-west-1:111122223333:function:csv-intake:live", "csv-intake"]) {
        expect(() => checkUnqualifiedFunctionArn("intakeFunctionArn", arn), arn).to.throw(
          `intakeFunctionArn "${arn}" must be an unqualified Lambda function ARN`,
        );
      }
    });
  });

  describe("checkScheduleExpression", () => {
    it("accepts cron with six fields and rate with a positive whole number of a unit", () => {
      for (const expression of ["cron(15 2 * * ? *)", "rate(1 hour)", "rate(5 minutes)", "rate(2 days)"]) {
        expect(() => checkScheduleExpression(expression), expression).not.to.throw();
      }
    });

    it("refuses anything else, naming the argument", () => {
      for (const expression of ["cron(15 2 * * ?)", "rate(0 hours)", "rate(1 week)", "every day"]) {
        expect(() => checkScheduleExpression(expression), expression).to.throw(
          `scheduleExpression "${expression}" must be cron(<6 fields>) or rate(<n> <minutes|hours|days>)`,
        );
      }
    });
  });
});
