/**
 * An in-process EventBridge custom bus for the local runtime: PutEvents validation and envelopes as
 * AWS builds them, rules matched with the deployed pattern objects, target input built with the
 * deployed input transformers, and asynchronous delivery with retries and a per-target dead-letter
 * record. Rule targets are functions, so the runtime binds them to whatever stands in for the real
 * target (the local state machine, a queue).
 *
 * PutEvents behaviour: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html.
 */
import { randomUUID } from "node:crypto";
import type { PutEventsRequestEntry, PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { localRegion } from "./awsClients";
import { deliverWithRetries, errorText } from "./deliveryRetries";
import { compileEventPattern } from "./eventPattern";
import { applyInputTransformer, checkInputTransformer } from "./inputTransformer";
import { TrackedWork } from "./trackedWork";
import { type EventPattern, type InputTransformer } from "../pipeline";

/** The event as EventBridge hands it to targets and matches it against patterns. */
export interface EventEnvelope {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  /** ISO 8601 at second precision, as AWS writes it. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface RuleTarget {
  readonly id: string;
  /** Without one the target receives the whole event as JSON. */
  readonly inputTransformer?: InputTransformer;
  readonly deliver: (input: string) => Promise<void>;
}

export interface LocalRule {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly targets: readonly RuleTarget[];
}

/** A delivery that failed every attempt, kept as a target's dead-letter queue would keep it. */
export interface DeadLetter {
  readonly ruleName: string;
  readonly targetId: string;
  readonly event: EventEnvelope;
  /** What the target was given (or would have been, when building it failed). */
  readonly input: string | undefined;
  readonly error: string;
  readonly attempts: number;
}

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: PutEventsResultEntry[];
}

export interface LocalEventBusOptions {
  readonly name: string;
  /** Account id in envelopes and the bus ARN. Default 000000000000. */
  readonly account?: string;
  /** Region in envelopes and the bus ARN. Default the local region, us-east-1. */
  readonly region?: string;
  /** Attempts per delivery, the first included, before it becomes a dead letter. Default 3. */
  readonly deliveryAttempts?: number;
  /** Pause between attempts in milliseconds. Default 0. */
  readonly retryDelayMs?: number;
  /**
   * Fault injection for reliability tests; never set by `npm start`. Called for each entry that
   * would be accepted: an answer refuses that entry alone, as AWS refuses entries of a PutEvents
   * call it otherwise accepts (e.g. `ThrottlingException`, `InternalFailure`), and the event is
   * neither archived nor routed. Undefined accepts it.
   */
  readonly refuseEntry?: EntryRefusal;
}

/** What AWS answers for one entry it did not accept. */
export interface RefusedEntry {
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

export type EntryRefusal = (entry: PutEventsRequestEntry) => RefusedEntry | undefined;

/** A whole PutEvents request AWS would refuse; the endpoint answers it as a ValidationException. */
export class PutEventsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PutEventsValidationError";
  }
}

// AWS limits: 1 to 10 entries per PutEvents request, 5 targets per rule.
const maxEntriesPerRequest = 10;
const maxTargetsPerRule = 5;

interface CompiledRule {
  readonly name: string;
  readonly matches: (event: unknown) => boolean;
  readonly targets: readonly RuleTarget[];
}

type EntryCheck = { readonly envelope: EventEnvelope } | { readonly error: PutEventsResultEntry };

function invalidArgument(parameter: string, reason: string): PutEventsResultEntry {
  return {
    ErrorCode: "InvalidArgument",
    ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
  };
}

function secondPrecision(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class LocalEventBus {
  readonly name: string;
  readonly arn: string;
  private readonly account: string;
  private readonly region: string;
  private readonly deliveryAttempts: number;
  private readonly retryDelayMs: number;
  private readonly refuseEntry: EntryRefusal | undefined;
  private readonly rules = new Map<string, CompiledRule>();
  private readonly accepted: EventEnvelope[] = [];
  private readonly dead: DeadLetter[] = [];
  private readonly inFlight = new TrackedWork();

  constructor(options: LocalEventBusOptions) {
    if (!/^[A-Za-z0-9._-]{1,256}$/.test(options.name)) {
      throw new Error(`event bus name must be 1-256 of [A-Za-z0-9._-], got ${JSON.stringify(options.name)}`);
    }
    const deliveryAttempts = options.deliveryAttempts ?? 3;
    if (!Number.isSafeInteger(deliveryAttempts) || deliveryAttempts < 1) {
      throw new Error(`deliveryAttempts must be a whole number of at least 1, got ${deliveryAttempts}`);
    }
    const retryDelayMs = options.retryDelayMs ?? 0;
    if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0) {
      throw new Error(`retryDelayMs must be zero or more, got ${retryDelayMs}`);
    }
    this.name = options.name;
    this.account = options.account ?? "000000000000";
    this.region = options.region ?? localRegion;
    this.deliveryAttempts = deliveryAttempts;
    this.retryDelayMs = retryDelayMs;
    this.refuseEntry = options.refuseEntry;
    this.arn = `arn:aws:events:${this.region}:${this.account}:event-bus/${this.name}`;
  }

  /** Throws when the rule name is taken, a pattern operator is unsupported or a transformer is unusable. */
  addRule(rule: LocalRule): void {
    if (this.rules.has(rule.name)) throw new Error(`rule ${rule.name} already exists on bus ${this.name}`);
    if (rule.targets.length > maxTargetsPerRule) {
      throw new Error(
        `rule ${rule.name} has ${rule.targets.length} targets; EventBridge allows ${maxTargetsPerRule}`,
      );
    }
    const ids = rule.targets.map((target) => target.id);
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    if (repeated !== undefined) throw new Error(`rule ${rule.name} has two targets with id ${repeated}`);
    for (const target of rule.targets) {
      if (target.inputTransformer) checkInputTransformer(target.inputTransformer);
    }
    this.rules.set(rule.name, {
      name: rule.name,
      matches: compileEventPattern(rule.pattern),
      targets: [...rule.targets],
    });
  }

  /**
   * Accepts each valid entry and answers at once; matching targets are delivered to afterwards, as
   * AWS does. Invalid entries fail on their own with AWS's error code.
   */
  async putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
    if (entries.length === 0 || entries.length > maxEntriesPerRequest) {
      throw new PutEventsValidationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: ` +
          `Member must have length between 1 and ${maxEntriesPerRequest}, got ${entries.length}`,
      );
    }
    const results: PutEventsResultEntry[] = [];
    for (const entry of entries) {
      const checked = this.check(entry);
      if ("error" in checked) {
        results.push(checked.error);
        continue;
      }
      const refused = this.refuseEntry?.(entry);
      if (refused) {
        results.push({ ErrorCode: refused.ErrorCode, ErrorMessage: refused.ErrorMessage });
        continue;
      }
      this.accepted.push(checked.envelope);
      results.push({ EventId: checked.envelope.id });
      this.route(checked.envelope, new Date().toISOString());
    }
    return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
  }

  /** Resolves once no delivery is in flight, including deliveries started by other deliveries. */
  async idle(): Promise<void> {
    await this.inFlight.idle();
  }

  /** Every accepted event, in the order accepted: the bus archive, for replay. */
  archive(): readonly EventEnvelope[] {
    return [...this.accepted];
  }

  /** Deliveries to targets with this id that failed every attempt, oldest first. */
  deadLetters(targetId: string): readonly DeadLetter[] {
    return this.dead.filter((letter) => letter.targetId === targetId);
  }

  private check(entry: PutEventsRequestEntry): EntryCheck {
    const required = ["Source", "DetailType", "Detail"] as const;
    for (const parameter of required) {
      if (!entry[parameter])
        return { error: invalidArgument(parameter, `${parameter} is a required argument.`) };
    }
    if (entry.DetailType && entry.DetailType.length > 128) {
      return { error: invalidArgument("DetailType", "DetailType has a maximum of 128 characters.") };
    }
    if (
      entry.EventBusName !== undefined &&
      entry.EventBusName !== this.name &&
      entry.EventBusName !== this.arn
    ) {
      return {
        error: invalidArgument(
          "EventBusName",
          `Event bus ${entry.EventBusName} does not exist on this local bus.`,
        ),
      };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail as string);
    } catch {
      detail = undefined;
    }
    // "Detail: A valid JSON object." An array or a scalar is as malformed as broken JSON.
    if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
      return { error: { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." } };
    }
    const time = entry.Time instanceof Date && !Number.isNaN(entry.Time.getTime()) ? entry.Time : new Date();
    return {
      envelope: {
        version: "0",
        id: randomUUID(),
        "detail-type": entry.DetailType as string,
        source: entry.Source as string,
        account: this.account,
        time: secondPrecision(time),
        region: this.region,
        resources: [...(entry.Resources ?? [])],
        detail: detail as Record<string, unknown>,
      },
    };
  }

  /** `receivedAt` feeds `aws.events.event.ingestion-time`, which unlike `time` the sender cannot set. */
  private route(envelope: EventEnvelope, receivedAt: string): void {
    for (const rule of this.rules.values()) {
      if (!rule.matches(envelope)) continue;
      for (const target of rule.targets) {
        // setImmediate: the target runs after PutEvents has answered, never inside it.
        const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
          this.deliver(rule, target, envelope, receivedAt),
        );
        this.inFlight.track(delivery);
      }
    }
  }

  private async deliver(
    rule: CompiledRule,
    target: RuleTarget,
    event: EventEnvelope,
    receivedAt: string,
  ): Promise<void> {
    let input: string | undefined;
    const deadLetter = (error: unknown, attempts: number): void => {
      this.dead.push({
        ruleName: rule.name,
        targetId: target.id,
        event,
        input,
        error: errorText(error),
        attempts,
      });
    };
    try {
      input = target.inputTransformer
        ? applyInputTransformer(target.inputTransformer, event, {
            ruleName: rule.name,
            ruleArn: `arn:aws:events:${this.region}:${this.account}:rule/${this.name}/${rule.name}`,
            ingestionTime: receivedAt,
          })
        : JSON.stringify(event);
    } catch (error) {
      deadLetter(error, 0);
      return;
    }
    // A constant pause between attempts (factor 1).
    const outcome = await deliverWithRetries(() => target.deliver(input), {
      attempts: this.deliveryAttempts,
      delayMs: this.retryDelayMs,
      factor: 1,
    });
    if (!outcome.delivered) deadLetter(outcome.error, outcome.attempts);
  }
}
