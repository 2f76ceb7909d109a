/**
 * Where the webhook intake gets its signing secrets and configuration: the Secrets Manager
 * document (read once per container, a failed read retried), its validation (errors name the
 * path, never the secret), the environment, and the deployed handler's cold start.
 */
import { expect } from "chai";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { localLambdaContext } from "../../local/lambdaInvokeShim";
import { loadWebhookIntakeConfig } from "../../functions/webhook-intake/config";
import {
  InvalidSigningSecretsError,
  parseSigningSecretDocument,
} from "../../functions/webhook-intake/signingProviders";
import {
  SigningSecretsUnavailableError,
  secretsManagerSigningProviders,
} from "../../functions/webhook-intake/signingSecretSource";
import { startFunctionRuntime } from "./support/functionRuntime";
import { newStandardWebhooksSecret, standardWebhooksRequest, webhookBody } from "./support/webhookRequests";

type IndexModule = typeof import("../../functions/webhook-intake/index");

const secret = newStandardWebhooksSecret();
const document = JSON.stringify({
  providers: [{ name: "acme", scheme: "standard-webhooks", secrets: [secret] }],
});

describe("webhook signing secrets", () => {
  // Class-level (the deployed handler builds its own client), created and restored around this suite only.
  let secretsManager: AwsClientStub<SecretsManagerClient>;
  before(() => {
    secretsManager = mockClient(SecretsManagerClient);
  });
  beforeEach(() => secretsManager.reset());
  after(() => secretsManager.restore());

  describe("Secrets Manager source", () => {
    it("reads the secret once and serves every later call from memory", async () => {
      // Prepare
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: document });
      const source = secretsManagerSigningProviders(
        new SecretsManagerClient({ region: "eu-west-1" }),
        "arn:secret",
      );
      // Act
      const first = await source();
      const second = await source();
      // Assess
      expect(first).to.deep.equal([{ name: "acme", scheme: "standard-webhooks", secrets: [secret] }]);
      expect(second).to.equal(first);
      const calls = secretsManager.commandCalls(GetSecretValueCommand);
      expect(calls).to.have.length(1);
      expect(calls[0]!.args[0].input).to.deep.equal({ SecretId: "arn:secret" });
    });

    it("does not cache a failed read: the next call tries again", async () => {
      secretsManager
        .on(GetSecretValueCommand)
        .rejectsOnce(Object.assign(new Error("throttled"), { name: "ThrottlingException" }))
        .resolves({ SecretString: document });
      const source = secretsManagerSigningProviders(
        new SecretsManagerClient({ region: "eu-west-1" }),
        "arn:secret",
      );
      let failure: unknown;
      await source().catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(SigningSecretsUnavailableError);
      expect(await source()).to.have.length(1);
      expect(secretsManager.commandCalls(GetSecretValueCommand)).to.have.length(2);
    });

    it("fails on a secret without a string value", async () => {
      secretsManager.on(GetSecretValueCommand).resolves({});
      const source = secretsManagerSigningProviders(
        new SecretsManagerClient({ region: "eu-west-1" }),
        "arn:secret",
      );
      let failure: unknown;
      await source().catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(SigningSecretsUnavailableError);
    });
  });

  describe("document validation", () => {
    const invalid: Array<[string, unknown, RegExp]> = [
      ["no providers", { providers: [] }, /at least one provider/],
      [
        "an unknown scheme",
        { providers: [{ name: "a", scheme: "adyen", secrets: ["x"] }] },
        /scheme must be one of/,
      ],
      [
        "a provider without secrets",
        { providers: [{ name: "a", scheme: "stripe", secrets: [] }] },
        /at least one active secret/,
      ],
      [
        "a Stripe secret too short to be one",
        { providers: [{ name: "a", scheme: "stripe", secrets: ["whsec_x"] }] },
        /at least 24 characters/,
      ],
      [
        "a Standard Webhooks secret shorter than 24 bytes",
        { providers: [{ name: "a", scheme: "standard-webhooks", secrets: ["whsec_c2hvcnQ="] }] },
        /providers\.0\.secrets\.0 must decode to 24-64 bytes/,
      ],
      [
        "a provider name that cannot namespace an id",
        { providers: [{ name: "a#b", scheme: "stripe", secrets: ["whsec_abc"] }] },
        /providers\.0\.name/,
      ],
      [
        "two providers with one name",
        {
          providers: [
            { name: "a", scheme: "stripe", secrets: ["whsec_abc"] },
            { name: "a", scheme: "stripe", secrets: ["whsec_def"] },
          ],
        },
        /unique/,
      ],
    ];
    for (const [label, value, message] of invalid) {
      it(`rejects ${label}, naming the path`, () => {
        expect(() => parseSigningSecretDocument(JSON.stringify(value)))
          .to.throw(InvalidSigningSecretsError)
          .with.property("message")
          .that.matches(message);
      });
    }

    it("never echoes a secret in its error", () => {
      const leaked = "whsec_THIS-IS-SECRET";
      const text = JSON.stringify({
        providers: [{ name: "a", scheme: "standard-webhooks", secrets: [leaked] }],
      });
      expect(() => parseSigningSecretDocument(text))
        .to.throw(InvalidSigningSecretsError)
        .with.property("message")
        .that.does.not.include("THIS-IS-SECRET");
      expect(() => parseSigningSecretDocument(`{"providers": [${leaked}`))
        .to.throw(/not valid JSON/)
        .with.property("message")
        .that.does.not.include("THIS-IS-SECRET");
    });

    it("keeps no parser error as the cause: its text quotes the document, secrets included", () => {
      let failure: unknown;
      try {
        parseSigningSecretDocument(`{"providers": [{"secrets": ["whsec_THIS-IS-SECRET",]}]}`);
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(InvalidSigningSecretsError);
      expect((failure as Error).cause).to.equal(undefined);
      expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.to.include("THIS-IS-SECRET");
    });
  });

  describe("environment", () => {
    const base = { INTAKE_TABLE_NAME: "intake", EVENT_BUS_NAME: "bus" };

    it("defaults to a 64 KiB body limit and 120 h of dedupe", () => {
      expect(loadWebhookIntakeConfig(base)).to.deep.equal({
        intakeTableName: "intake",
        eventBusName: "bus",
        maxBodyBytes: 65_536,
        retentionHours: 120,
        maxAmountUsdMinor: 100_000_000n,
      });
    });

    it("refuses a dedupe window shorter than 96 h, naming the variable", () => {
      expect(() => loadWebhookIntakeConfig({ ...base, INTAKE_RECORD_RETENTION_HOURS: "72" })).to.throw(
        /INTAKE_RECORD_RETENTION_HOURS is invalid: expected 96/,
      );
    });

    it("refuses a body limit beyond 1 MiB and requires the bus", () => {
      expect(() => loadWebhookIntakeConfig({ ...base, WEBHOOK_MAX_BODY_BYTES: "2000000" })).to.throw(
        /WEBHOOK_MAX_BODY_BYTES/,
      );
      expect(() => loadWebhookIntakeConfig({ INTAKE_TABLE_NAME: "intake" })).to.throw(/EVENT_BUS_NAME/);
    });
  });

  describe("deployed handler", function () {
    this.timeout(20_000);
    let eventBridge: AwsClientStub<EventBridgeClient>;
    before(() => {
      eventBridge = mockClient(EventBridgeClient);
    });
    after(() => eventBridge.restore());

    it("fails its cold start naming WEBHOOK_SECRETS_ARN when it is unset", async () => {
      const runtime = await startFunctionRuntime({ set: { EVENT_BUS_NAME: "bus" } });
      try {
        expect(() => runtime.load<IndexModule>("webhook-intake/index")).to.throw(/WEBHOOK_SECRETS_ARN/);
      } finally {
        await runtime.stop();
      }
    });

    it("verifies with the Secrets Manager secret and publishes to the configured bus", async () => {
      secretsManager.on(GetSecretValueCommand).resolves({ SecretString: document });
      eventBridge.reset();
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] });
      const runtime = await startFunctionRuntime({
        set: {
          EVENT_BUS_NAME: "deployed-bus",
          WEBHOOK_SECRETS_ARN: "arn:aws:secretsmanager:eu-west-1:1:secret:w",
        },
      });
      try {
        const { handler } = runtime.load<IndexModule>("webhook-intake/index");
        const request = standardWebhooksRequest(
          JSON.stringify(webhookBody({ transaction_id: "tx-deployed" })),
          secret,
        );
        const result = await handler(request, localLambdaContext("webhook-intake"));
        expect(result.statusCode).to.equal(202);
        expect(
          eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.EventBusName,
        ).to.equal("deployed-bus");
        expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input.SecretId).to.equal(
          "arn:aws:secretsmanager:eu-west-1:1:secret:w",
        );
      } finally {
        await runtime.stop();
      }
    });
  });
});
