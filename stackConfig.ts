/**
 * The stack's configuration, read once from `Pulumi.<stack>.yaml`, validated, and handed to the
 * components as plain values. Components never read config themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { allowedLogRetentionDays } from "./components/platform/logRetention";
import {
  defaultRetentionHours,
  largestRetentionHours,
  minimumRetentionHours,
} from "./functions/shared/sharedSettings";
import { defaultScreeningThresholds } from "./functions/compliance/sanctions/sanctionsScreener";
import { listSourcesSchema } from "./functions/screening-lists-refresh/listSources";
import { defaultMaxBodyBytes, largestMaxBodyBytes } from "./functions/webhook-intake/config";
import {
  providerNamePattern,
  signatureSchemes,
  signingSecretDocumentSchema,
  type SigningSecretDocument,
} from "./functions/webhook-intake/signingProviders";
import { checkAmountLaneThresholds } from "./pipeline";

const tagValue = z.string().trim().min(1).max(256);

const functionSettingsSchema = z.strictObject({
  /** MB of memory (and proportional CPU). */
  memoryMb: z.number().int().min(128).max(10240).default(1024),
  /** Seconds before Lambda stops an invocation. */
  /**
   * Seconds before Lambda stops an invocation. At most 130: two Lambda stages must be able to
   * time out (and be dead-lettered) inside the 300 s EXPRESS execution limit.
   */
  timeoutSeconds: z.number().int().min(1).max(130).default(30),
  /**
   * Reserved concurrency per pipeline function. Unset in dev: reservations are taken from the
   * account's unreserved pool, which must keep at least 100, and can exceed a small account.
   */
  reservedConcurrency: z.number().int().min(1).optional(),
});

/**
 * Namespaces the pipeline writes transaction keys under itself (`csv#<id>` for the back office's
 * rows, `redacted#<digest>` for a key that carried a card number): a webhook provider with one of
 * these names would share keys with them, so its transactions could collide with or answer for them.
 */
export const reservedProviderNames: readonly string[] = ["csv", "redacted"];

const webhookProviderSchema = z.strictObject({
  /** Namespaces the provider's transaction ids (`<name>#<transaction_id>`); never renamed once live. */
  name: z
    .string()
    .regex(providerNamePattern, "must be 1-64 letters, digits, '.', '_' or '-'")
    .superRefine((name, context) => {
      if (reservedProviderNames.includes(name.toLowerCase())) {
        context.addIssue({
          code: "custom",
          message: `"${name}" is reserved: the pipeline writes its own transactions under it (reserved: ${reservedProviderNames.join(", ")}); choose another provider name`,
        });
      }
    }),
  /** How the provider signs deliveries. */
  scheme: z.enum(signatureSchemes),
});

const webhookSettingsSchema = z.strictObject({
  /** Largest body accepted, in bytes (413 above). */
  maxBodyBytes: z.number().int().min(1024).max(largestMaxBodyBytes).default(defaultMaxBodyBytes),
  /** Hours a delivery is remembered for dedupe; at least 96, beyond every provider's retries. */
  intakeRecordRetentionHours: z
    .number()
    .int()
    .min(minimumRetentionHours)
    .max(largestRetentionHours)
    .default(defaultRetentionHours),
});

const apiSettingsSchema = z.strictObject({
  /** Stage name in the API's URL. */
  stageName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/)
    .default("v1"),
  /** Stage-wide steady requests per second and burst. */
  throttlingRateLimit: z.number().positive().default(100),
  throttlingBurstLimit: z.number().int().positive().default(200),
  /** POST /webhook's own limits: 10,000 transactions a minute is about 167 per second. */
  webhookThrottlingRateLimit: z.number().positive().default(250),
  webhookThrottlingBurstLimit: z.number().int().positive().default(500),
  /** Requests a day the status API key may make. */
  statusQuotaPerDay: z.number().int().positive().default(10_000),
  /**
   * Whether this stack sets the region's API Gateway CloudWatch Logs role (an account-wide
   * singleton): true in exactly one stack per account and region.
   */
  manageAccountLogRole: z.boolean().default(true),
});

const routingSettingsSchema = z
  .strictObject({
    /** Transactions above this many US dollars take the high lane (and alert at once). */
    highAboveUsd: z.number().int().positive().default(10_000),
    /** Transactions below this many US dollars take the low lane. */
    lowBelowUsd: z.number().int().positive().default(1_000),
    /** Days the bus archive keeps events for replay (0 = forever). */
    archiveRetentionDays: z.number().int().min(0).default(30),
    /** Delivery retries of each rule target before its dead-letter queue. */
    maximumRetryAttempts: z.number().int().min(0).max(185).default(185),
    /** Seconds each rule target keeps retrying an event. */
    maximumEventAgeSeconds: z.number().int().min(60).max(86_400).default(86_400),
  })
  .superRefine((routing, context) => {
    try {
      checkAmountLaneThresholds(routing);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message, path: ["lowBelowUsd"] });
    }
  });

const uploadSettingsSchema = z.strictObject({
  /** Days uploaded and validated CSV files are kept in the uploads bucket. */
  rawUploadRetentionDays: z.number().int().min(1).max(3650).default(30),
  /** Requests a day the upload API key may make. */
  quotaPerDay: z.number().int().positive().default(1000),
  /** POST /upload and POST /uploads requests per second, and burst. */
  throttlingRateLimit: z.number().positive().default(5),
  throttlingBurstLimit: z.number().int().positive().default(10),
  /** Row errors kept per file and returned in answers. */
  fileErrorLimit: z.number().int().min(1).max(1000).default(100),
  /** Seconds a presigned upload URL stays valid. */
  uploadUrlExpirySeconds: z.number().int().min(60).max(604_800).default(900),
  /**
   * Lambda timeout of csv-transform, which loads a validated file onto the bus. A run short of
   * time checkpoints and hands the rest of the file to a new run through a "CSV Load Continued"
   * event, so a file may take any number of runs; a longer timeout means fewer of them.
   */
  loadTimeoutSeconds: z.number().int().min(60).max(900).default(900),
  /**
   * Lambda timeout of csv-intake. Its S3-event path validates a presigned upload of any size
   * (up to 5 GB); at the functions' 30 s a large file would time out on all three asynchronous
   * attempts. API Gateway still ends the HTTP routes' requests at 29 s.
   */
  intakeTimeoutSeconds: z.number().int().min(30).max(900).default(900),
});

const archiveSettingsSchema = z
  .strictObject({
    /** When the archival job runs (EventBridge schedule expression, UTC). */
    scheduleExpression: z
      .string()
      .regex(/^(cron|rate)\(.+\)$/, "must be an EventBridge cron(...) or rate(...) expression")
      .default("cron(15 2 * * ? *)"),
    /** Hours a decided transaction stays in the hot table before it is archived. */
    archiveAfterHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24),
    /** Transactions per archive object. */
    chunkSize: z.number().int().min(100).max(5000).default(1000),
    /** Days before archive objects move to STANDARD_IA (S3's minimum is 30). */
    transitionToInfrequentAccessDays: z.number().int().min(30).default(30),
    /** Days before archive objects move to GLACIER. */
    transitionToGlacierDays: z.number().int().positive().default(90),
    /** Days archive objects are kept. */
    expireAfterDays: z.number().int().positive().default(365),
    /** S3 Object Lock (COMPLIANCE) retention in days; unset: no lock. Irreversible once objects are written. */
    objectLockRetentionDays: z.number().int().positive().optional(),
    /**
     * Reserved concurrency of the archival function (1 keeps runs from overlapping). Unset: none,
     * so a new account with a concurrency quota of 10 can deploy (100 must stay unreserved).
     */
    reservedConcurrency: z.number().int().min(1).optional(),
  })
  .superRefine((archive, context) => {
    // S3 refuses a rule that keeps objects in STANDARD_IA for less than 30 days.
    if (archive.transitionToGlacierDays < archive.transitionToInfrequentAccessDays + 30) {
      context.addIssue({
        code: "custom",
        path: ["transitionToGlacierDays"],
        message: "must be at least 30 days later than transitionToInfrequentAccessDays",
      });
    }
    if (archive.expireAfterDays <= archive.transitionToGlacierDays) {
      context.addIssue({
        code: "custom",
        path: ["expireAfterDays"],
        message: "must be later than transitionToGlacierDays",
      });
    }
    if (
      archive.objectLockRetentionDays !== undefined &&
      archive.objectLockRetentionDays > archive.expireAfterDays
    ) {
      context.addIssue({
        code: "custom",
        path: ["objectLockRetentionDays"],
        message: "must not exceed expireAfterDays (a locked object cannot expire)",
      });
    }
  });

const reconcileSettingsSchema = z.strictObject({
  /** Minutes after acceptance an undecided transaction is re-driven (and between re-drives). */
  undecidedAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Re-drives of an undecided transaction before it is sent to the dead-letter queue. */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** How often the reconciler runs (EventBridge schedule expression). */
  scheduleExpression: z
    .string()
    .regex(/^(cron|rate)\(.+\)$/, "must be an EventBridge cron(...) or rate(...) expression")
    .default("rate(5 minutes)"),
});

/** Minutes between runs of a `rate(...)` schedule; a cron schedule counts as an hour (its usual period). */
export function scheduleMinutes(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) return 60;
  const unit = match[2].startsWith("minute") ? 1 : match[2].startsWith("hour") ? 60 : 1440;
  return Number(match[1]) * unit;
}

/** The delivery guarantee the reconcile settings give, in minutes (README: Delivery guarantee). */
export function deliveryGuaranteeMinutes(
  reconcile: z.infer<typeof reconcileSettingsSchema>,
  scheduleMinutes: number,
): number {
  return reconcile.undecidedAfterMinutes * (reconcile.maxAttempts + 1) + scheduleMinutes;
}

const monitoringSettingsSchema = z.strictObject({
  /** Addresses subscribed to the ops topic every alarm notifies (each confirms by email). */
  opsEmails: z
    .array(z.email())
    .default([])
    .refine(
      (emails) => new Set(emails.map((email) => email.toLowerCase())).size === emails.length,
      "must not list an address twice",
    ),
  /** Errors per invocation, in percent over 5 minutes, above which a function's alarm fires. */
  lambdaErrorRatePercent: z.number().positive().max(100).default(5),
  /** 5XX answers per request, in percent over 5 minutes, above which the API alarm fires. */
  apiServerErrorRatePercent: z.number().positive().max(100).default(1),
  /** p99 API latency in milliseconds (two 5-minute periods running); API Gateway gives up at 29,000. */
  apiLatencyP99Milliseconds: z.number().int().min(100).max(29_000).default(3000),
  /** Webhook deliveries failing signature checks in 5 minutes above which the alarm fires. */
  webhookSignatureFailuresPer5Minutes: z.number().int().min(1).max(1_000_000).default(20),
});

const sanctionsSettingsSchema = z
  .strictObject({
    /** Name-match score (0–1) at or above which a transaction is sent to review. */
    reviewScore: z.number().gt(0).max(1).default(defaultScreeningThresholds.review),
    /** Name-match score (0–1) at or above which a transaction is blocked. */
    blockScore: z.number().gt(0).max(1).default(defaultScreeningThresholds.block),
    /** When the lists are refreshed from their publishers (EventBridge cron/rate, UTC). */
    refreshSchedule: z.string().default("rate(6 hours)"),
    /** Hours without a successful refresh before the stale-list alarm fires (CloudWatch allows up to 168). */
    staleAfterHours: z.number().int().min(1).max(168).default(36),
    /** Seconds between a warm compliance function's checks for a newer list version. */
    recheckSeconds: z.number().int().min(30).max(3600).default(300),
    /** Share of a list's entries a new file must keep to be accepted (guards against cut files). */
    minimumRetainedShare: z.number().gt(0).max(1).default(0.9),
    /** The official files to download; default: OFAC's SDN list (sdn.csv). */
    sources: z.optional(listSourcesSchema),
    /**
     * Reserved concurrency of the refresh function (1 keeps two runs from racing on latest.json).
     * Unset: none, so a new account with a concurrency quota of 10 can deploy (100 must stay
     * unreserved).
     */
    reservedConcurrency: z.number().int().min(1).optional(),
  })
  .refine((sanctions) => sanctions.reviewScore <= sanctions.blockScore, {
    path: ["reviewScore"],
    message: "must not be above blockScore",
  });

export const stackConfigSchema = z.strictObject({
  /** Tags every taggable resource carries, through the AWS provider's default tags. */
  tags: z.strictObject({
    Environment: tagValue,
    Application: tagValue,
    Team: tagValue,
    CostCenter: tagValue,
    Repository: tagValue,
  }),
  /** Address subscribed to the alerts topic (the subscription must be confirmed by email). */
  alertEmail: z.email(),
  /** Optional phone number (E.164) that also receives alerts by SMS. */
  alertSms: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, "alertSms must be an E.164 phone number such as +15555550100")
    .optional(),
  functions: functionSettingsSchema.default({ memoryMb: 1024, timeoutSeconds: 30 }),
  /** Days Lambda and state machine log groups keep events. */
  logRetentionDays: z
    .number()
    .int()
    .refine(
      (days) => allowedLogRetentionDays.includes(days),
      "logRetentionDays must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)",
    )
    .default(30),
  /** Protects the transactions table from deletion (true in prod). */
  deletionProtection: z.boolean().default(false),
  /** Container images each function's repository keeps. */
  imagesToKeep: z.number().int().min(1).max(1000).default(10),
  /** CIDR block of the VPC. */
  vpcCidr: z.cidrv4().default("10.20.0.0/16"),
  /** APPROVED transactions above this many US dollars still raise an alert. */
  highValueAlertUsd: z.number().int().positive().max(1_000_000_000).default(10_000),
  /** Largest transaction accepted, in US dollars equivalent. */
  maxTransactionUsd: z.number().int().positive().max(1_000_000_000).default(1_000_000),
  /** Whether execution logs include inputs/outputs (they carry customer data). */
  includeExecutionData: z.boolean().default(false),
  /**
   * Metrics namespace every function publishes to and the alarms watch. One per stack: stacks
   * sharing an account would otherwise feed each other's alarms.
   */
  metricsNamespace: z
    .string()
    .regex(/^[A-Za-z0-9._#:/-]{1,255}$/, "must be a CloudWatch namespace (letters, digits, . _ - / # :)")
    .refine((namespace) => !namespace.startsWith("AWS/"), "must not start with AWS/ (reserved)")
    .default("TransactionPipeline"),
  /** What the state machine logs: ALL (every state), ERROR, FATAL or OFF. */
  stateMachineLogLevel: z.enum(["ALL", "ERROR", "FATAL", "OFF"]).default("ERROR"),
  /** Payment providers allowed to post webhooks, and how each signs. */
  webhookProviders: z.array(webhookProviderSchema).min(1),
  /**
   * Active signing secrets per provider name (a secret: `pulumi config set --secret --path
   * 'webhookSigningSecrets.<name>[0]' whsec_...`). Two at once during a rotation.
   */
  webhookSigningSecrets: z.record(z.string(), z.array(z.string()).min(1)),
  webhook: webhookSettingsSchema.default(webhookSettingsSchema.parse({})),
  api: apiSettingsSchema.default(apiSettingsSchema.parse({})),
  routing: routingSettingsSchema.default(routingSettingsSchema.parse({})),
  /** CSV file uploads (POST /upload, POST /uploads). */
  upload: uploadSettingsSchema.default(uploadSettingsSchema.parse({})),
  /** Daily archival of decided transactions to the audit bucket. */
  archive: archiveSettingsSchema.default(archiveSettingsSchema.parse({})),
  /**
   * The reconciler: every accepted transaction is decided or dead-lettered within
   * undecidedAfterMinutes × (maxAttempts + 1) plus one schedule interval.
   */
  reconcile: reconcileSettingsSchema.default(reconcileSettingsSchema.parse({})),
  /** The ops topic's subscribers and the operational alarms' thresholds. */
  monitoring: monitoringSettingsSchema.default(monitoringSettingsSchema.parse({})),
  /** Sanctioned-party screening: match thresholds and how the official lists are kept current. */
  sanctions: sanctionsSettingsSchema.default(sanctionsSettingsSchema.parse({})),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;

export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

function describeIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.map((issue) => `  ${[...prefix, ...issue.path].join(".") || "(root)"}: ${issue.message}`);
}

/**
 * The document the webhook intake reads from Secrets Manager: each configured provider with its
 * secrets, checked exactly as the function will check it. Messages name paths, never secrets.
 */
export function webhookSigningDocument(config: StackConfig): SigningSecretDocument {
  const known = new Set(config.webhookProviders.map((provider) => provider.name));
  const problems: string[] = [];
  for (const name of Object.keys(config.webhookSigningSecrets)) {
    if (!known.has(name))
      problems.push(`  webhookSigningSecrets.${name}: no provider of that name in webhookProviders`);
  }
  for (const name of known) {
    if (!config.webhookSigningSecrets[name]) {
      problems.push(
        `  webhookSigningSecrets.${name}: missing; set it with pulumi config set --secret --path 'webhookSigningSecrets.${name}[0]' <secret>`,
      );
    }
  }
  const document = {
    providers: config.webhookProviders.map((provider) => ({
      ...provider,
      secrets: config.webhookSigningSecrets[provider.name] ?? [],
    })),
  };
  const parsed = signingSecretDocumentSchema.safeParse(document);
  if (problems.length === 0 && !parsed.success) {
    problems.push(
      ...describeIssues(parsed.error.issues).map((line) =>
        line.replace(/providers\.(\d+)\.secrets/, (_, index: string) => {
          const name = config.webhookProviders[Number(index)]?.name ?? index;
          return `webhookSigningSecrets.${name}`;
        }),
      ),
    );
  }
  if (problems.length > 0 || !parsed.success) {
    throw new StackConfigError(`Invalid stack configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** Validates raw config values; the message names each bad key and why. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new StackConfigError(
      `Invalid stack configuration:\n${describeIssues(result.error.issues).join("\n")}`,
    );
  }
  webhookSigningDocument(result.data);
  return result.data;
}

/**
 * Reads and validates the current stack's configuration: every key of the project's namespace,
 * so a misspelt key is reported instead of silently ignored.
 */
export function loadStackConfig(): StackConfig {
  const prefix = `${pulumi.getProject()}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    // Objects, numbers and booleans arrive as JSON text; plain strings do not parse as JSON.
    try {
      raw[key] = JSON.parse(text);
    } catch {
      raw[key] = text;
    }
  }
  // Unset, the namespace still names the stack, so two stacks in one account never share one.
  raw.metricsNamespace ??= `TransactionPipeline/${pulumi.getStack()}`;
  return parseStackConfig(raw);
}
