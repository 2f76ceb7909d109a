/**
 * The stack's configuration, read once from `Pulumi.<stack>.yaml`, validated, and handed to the
 * components as plain values. Components never read config themselves.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { allowedLogRetentionDays } from "./components/logRetention";

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
  /** Metrics namespace every function publishes to. */
  metricsNamespace: z.string().min(1).default("TransactionPipeline"),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;

export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

/** Validates raw config values; the message names each bad key and why. */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new StackConfigError(`Invalid stack configuration:\n${problems.join("\n")}`);
  }
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
  return parseStackConfig(raw);
}
