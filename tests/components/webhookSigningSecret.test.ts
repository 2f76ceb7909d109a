/**
 * WebhookSigningSecret component under Pulumi mocks.
 *
 * What a mock test cannot prove: that the engine really encrypts the secret string in the
 * checkpoint (the mocks only show that it is handed over marked secret, which is what makes the
 * engine encrypt it); whether the component's own `pulumi.secret` is what marks it (@pulumi/aws
 * 7.x wraps `secretString` in `pulumi.secret` itself, so the wrapper would be there without it);
 * that Secrets Manager accepts the customer-managed key (the key policy must
 * let IAM grant its use, and the intake role needs kms:Decrypt), that a new document produces a
 * new versionId (the id here is the mock's), or that the intake function then restarts and
 * reads the rotated secrets.
 */
import { expect } from "chai";
import { WebhookSigningSecret } from "../../components/ingest/webhookSigningSecret";
import { installMocks, promiseOf, type MockRecorder } from "../support/pulumiMocks";
import { settledResources } from "../support/settled";

const secretType = "aws:secretsmanager/secret:Secret";
const versionType = "aws:secretsmanager/secretVersion:SecretVersion";

const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/pipeline";
/** Pulumi's wire form of a secret value: `{ [signatureKey]: secretSignature, value }`. */
const signatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

// A plain string on purpose: the document must reach the engine marked secret even when the
// caller forgets to mark it.
const document = JSON.stringify({
  providers: [{ name: "stripe", scheme: "stripe", secrets: ["whsec_test_signing_secret"] }],
});

describe("WebhookSigningSecret component", () => {
  let recorder: MockRecorder;
  let hooks: WebhookSigningSecret;

  before(async () => {
    recorder = await installMocks("webhook-signing-secret-test");
    hooks = new WebhookSigningSecret("hooks", { document, kmsKeyArn: keyArn });
    new WebhookSigningSecret("long", { document, kmsKeyArn: keyArn, recoveryWindowInDays: 30 });
    await settledResources(recorder);
  });

  after(() => settledResources(recorder));

  it("creates exactly the component, one Secret and one SecretVersion per instance", () => {
    const ofHooks = recorder.resources
      .filter((resource) => resource.name === "hooks" || resource.name.startsWith("hooks-"))
      .map((resource) => [resource.type, resource.name])
      .sort(([, a], [, b]) => a.localeCompare(b));
    expect(ofHooks).to.deep.equal([
      ["txn:ingest:WebhookSigningSecret", "hooks"],
      [secretType, "hooks-secret"],
      [versionType, "hooks-version"],
    ]);
  });

  describe("secret", () => {
    it("namePrefix is <name>- (stacks may share an account), kmsKeyId is the key, recoveryWindowInDays 7", () => {
      expect(recorder.one(secretType, "hooks-secret").inputs).to.deep.equal({
        namePrefix: "hooks-",
        description:
          "Webhook providers and their active signing secrets (read by the webhook-intake function)",
        kmsKeyId: keyArn,
        recoveryWindowInDays: 7,
      });
    });

    it("recoveryWindowInDays is the one given", () => {
      expect(recorder.one(secretType, "long-secret").inputs.recoveryWindowInDays).to.equal(30);
    });
  });

  describe("secret version", () => {
    it("secretId is the secret's id and secretString the document", () => {
      // The mocks answer `${name}-id` for every resource id.
      expect(recorder.one(versionType, "hooks-version").inputs).to.deep.equal({
        secretId: "hooks-secret-id",
        secretString: document,
      });
    });

    it("secretString reaches the engine marked secret, so state never holds it in plaintext", () => {
      // The recorder unwraps secrets in `inputs`; `state` echoes the inputs as the engine sent them.
      // Both the component and @pulumi/aws wrap this field, so this guards the outcome (e.g. against
      // moving the document to a field that is not secret), not the component's own wrapping.
      const sent = recorder.one(versionType, "hooks-version").state;
      expect(sent.secretString).to.deep.equal({ [signatureKey]: secretSignature, value: document });
      // Only the document is secret: the secret's id and the key are plain, as they should be.
      expect(sent.secretId).to.equal("hooks-secret-id");
      expect(recorder.one(secretType, "hooks-secret").state.kmsKeyId).to.equal(keyArn);
    });
  });

  describe("outputs", () => {
    it("secret is the secret's ARN with the version's id", async () => {
      expect(await promiseOf(hooks.secret.arn)).to.equal(
        String(recorder.one(secretType, "hooks-secret").state.arn),
      );
      expect(await promiseOf(hooks.secret.arn)).to.equal(
        "arn:aws:secretsmanager:eu-west-1:123456789012:hooks-secret",
      );
      expect(await promiseOf(hooks.secret.versionId)).to.equal("hooks-version-version-id");
    });
  });

  describe("argument checks", () => {
    for (const days of [6, 31, 7.5]) {
      it(`recoveryWindowInDays ${days} is rejected naming the argument`, () => {
        expect(
          () =>
            new WebhookSigningSecret(`bad-window-${String(days).replace(".", "-")}`, {
              document,
              kmsKeyArn: keyArn,
              recoveryWindowInDays: days,
            }),
        ).to.throw(new RegExp(`recoveryWindowInDays must be an integer from 7 to 30, got ${days}`));
      });
    }
  });
});
