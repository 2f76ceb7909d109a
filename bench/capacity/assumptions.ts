/**
 * Every number the capacity model takes from outside this repository: list prices, service
 * quotas and I/O latencies, each with where it comes from. Prices are us-east-1 on-demand list
 * prices in US dollars per unit, first (most expensive) tier, no free tier, looked up on
 * 2026-11-21. "Assumed" marks a value not confirmed against its source; check it before relying
 * on the result. The stacks deploy to eu-west-1, where most of these prices are a little higher.
 */

/** US dollars per unit. */
export const Prices = {
  /**
   * Lambda duration, per GB-second, first 6 B (x86) / 7.5 B (Arm) GB-s a month.
   * https://aws.amazon.com/lambda/pricing/ (us-east-1: Arm $0.0000133334, x86 $0.0000166667).
   */
  lambdaGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  /** Lambda requests: $0.20 per million. https://aws.amazon.com/lambda/pricing/ */
  lambdaRequest: 0.2 / 1e6,
  /** Step Functions Express requests: $1.00 per million. https://aws.amazon.com/step-functions/pricing/ */
  expressRequest: 1 / 1e6,
  /**
   * Step Functions Express duration: $0.06 per GB-hour for the first 1,000 GB-hours a month
   * ($0.03 next 4,000, $0.01642 beyond), billed per 100 ms and per 64 MB of memory.
   * https://aws.amazon.com/step-functions/pricing/
   */
  expressGbSecond: 0.06 / 3600,
  /**
   * DynamoDB on-demand: $0.625 per million write request units, $0.125 per million read request
   * units (since the November 2024 price cut). https://aws.amazon.com/dynamodb/pricing/on-demand/
   */
  dynamoDbWriteRequestUnit: 0.625 / 1e6,
  dynamoDbReadRequestUnit: 0.125 / 1e6,
  /** EventBridge custom events: $1.00 per million (each 64 KB chunk of a PutEvents entry). https://aws.amazon.com/eventbridge/pricing/ */
  eventBridgeCustomEvent: 1 / 1e6,
  /** EventBridge archive: $0.10 per GB of events archived (storage, $0.023 per GB-month, not counted). https://aws.amazon.com/eventbridge/pricing/ */
  eventBridgeArchivedGb: 0.1,
  /** SNS standard topic publishes: $0.50 per million (64 KB chunks). https://aws.amazon.com/sns/pricing/ */
  snsPublish: 0.5 / 1e6,
  /** SNS email deliveries: $2.00 per 100,000. https://aws.amazon.com/sns/pricing/ */
  snsEmailDelivery: 2 / 1e5,
  /**
   * SNS SMS to a US number, one message part, including the carrier fee. Assumed: SMS prices vary
   * by destination and carrier. https://aws.amazon.com/sns/sms-pricing/
   */
  snsSmsDelivery: 0.00883,
  /** API Gateway REST API calls: $3.50 per million, first 333 million a month. https://aws.amazon.com/api-gateway/pricing/ */
  apiGatewayRestRequest: 3.5 / 1e6,
  /** CloudWatch Logs standard ingestion: $0.50 per GB. https://aws.amazon.com/cloudwatch/pricing/ */
  cloudWatchLogsIngestedGb: 0.5,
  /** X-Ray traces recorded: $5.00 per million. https://aws.amazon.com/xray/pricing/ */
  xrayTraceRecorded: 5 / 1e6,
  /** S3 Standard PUT requests: $0.005 per 1,000. https://aws.amazon.com/s3/pricing/ */
  s3PutRequest: 0.005 / 1000,
  /** S3 Standard GET requests: $0.0004 per 1,000. https://aws.amazon.com/s3/pricing/ */
  s3GetRequest: 0.0004 / 1000,
  /** One interface VPC endpoint in one AZ, per hour (data processed, $0.01 per GB, not counted). https://aws.amazon.com/privatelink/pricing/ */
  interfaceEndpointAzHour: 0.01,
} as const;

/** Default service quotas (per account and region unless said otherwise); all adjustable on request. */
export const Quotas = {
  /** Lambda concurrent executions per region. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
  lambdaAccountConcurrency: 1_000,
  /** Lambda keeps this much of the account's concurrency unreserved; reservations cannot take it. (same page) */
  lambdaUnreservedMinimum: 100,
  /** API Gateway requests per second across an account's APIs in a region (steady state). https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html */
  apiGatewayAccountRps: 10_000,
  /** EventBridge PutEvents requests per second, us-east-1 (and eu-west-1). https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html */
  eventBridgePutEventsPerSecond: 10_000,
  /** EventBridge target invocations per second, us-east-1 and eu-west-1. (same page) */
  eventBridgeInvocationsPerSecond: 18_750,
  /** Step Functions StartExecution refill rate for Express workflows. Assumed: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html */
  expressStartExecutionPerSecond: 6_000,
  /** DynamoDB on-demand table maximum, write request units per second (default table-level throughput quota). https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html */
  dynamoDbTableWriteUnitsPerSecond: 40_000,
  /** DynamoDB on-demand table maximum, read request units per second. (same page) */
  dynamoDbTableReadUnitsPerSecond: 40_000,
  /** SNS Publish requests per second, us-east-1. Assumed: https://docs.aws.amazon.com/general/latest/gr/sns.html */
  snsPublishPerSecond: 30_000,
} as const;

/**
 * Latencies of one call, as a warm function in the same region sees them (p50). AWS publishes no
 * such numbers for most services; these are assumed from the services' own descriptions and
 * common measurements, and should be replaced by X-Ray segment durations from a deployed stack.
 */
export const LatencyMs = {
  /** DynamoDB GetItem / PutItem / UpdateItem on one item. Assumed: "single-digit millisecond" (https://aws.amazon.com/dynamodb/). */
  dynamoDbItem: 5,
  /** DynamoDB Query of one customer's index partition, one page. Assumed. */
  dynamoDbQuery: 7,
  /** DynamoDB BatchGetItem of 100 keys, strongly consistent. Assumed. */
  dynamoDbBatchGet: 15,
  /** S3 PutObject of a part or manifest up to a few MB, SSE-KMS. Assumed. */
  s3Put: 60,
  /** S3 GetObject of the same. Assumed. */
  s3Get: 30,
  /** EventBridge PutEvents of one entry. Assumed: AWS quotes no latency; community measurements are 15-40 ms. */
  eventBridgePutEvents: 20,
  /** SNS Publish to a standard topic. Assumed. */
  snsPublish: 15,
  /** Step Functions invoking a warm Lambda function (lambda:invoke), beyond the function's own duration. Assumed. */
  stepFunctionsLambdaInvoke: 15,
  /** Step Functions moving from one state to the next inside an Express execution. Assumed. */
  stepFunctionsTransition: 1,
  /** Per invocation in the function: runtime API round trip, Powertools log line and metric flush. Assumed. */
  lambdaInvocationOverhead: 1.5,
} as const;

/** Everything else the model needs that is neither a price, a quota nor a latency. */
export const Workload = {
  /** The seeds' target: 10,000 transactions a minute. */
  targetTransactionsPerMinute: 10_000,
  /** Hours in a billing month, as AWS's own calculators count them. */
  hoursPerMonth: 730,
  /**
   * Memory at which Lambda allots one full vCPU; below it a function gets that share of one.
   * https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
   */
  lambdaMemoryPerVcpuMb: 1_769,
  /** Lambda bills duration in 1 ms steps. https://aws.amazon.com/lambda/pricing/ */
  lambdaBillingStepMs: 1,
  /** Share of invocations that start a new container at a steady load (its init is billed for images). Assumed. */
  coldStartShare: 0.001,
  /** Init time of a function when the bundles suite has not measured it. Assumed. */
  defaultInitMs: 300,
  /** Log bytes one Lambda invocation writes: START/END/REPORT, one Powertools line, one EMF metrics line. Assumed. */
  lambdaLogBytesPerInvocation: 1_400,
  /** Bytes of one Express execution history event at level ALL without execution data. Assumed. */
  stepFunctionsLogEventBytes: 350,
  /** X-Ray's default sampling rule: the first request each second, then 5 %. https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html */
  xrayReservoirPerSecond: 1,
  xraySampledShare: 0.05,
  /** Envelope EventBridge adds around a detail (id, source, detail-type, time, region, account, resources). Assumed. */
  eventEnvelopeBytes: 300,
  /** Availability zones of the pipeline VPC (network.ts: 3). */
  availabilityZones: 3,
} as const;

/** The seeds' Lambda settings (seeds 000 and 002): 3 GB, x86_64, 60 s, 100 reserved concurrency. */
export const SeedFunctionSettings = {
  memoryMb: 3_072,
  architecture: "x86_64",
  timeoutSeconds: 60,
  reservedConcurrency: 100,
} as const;
