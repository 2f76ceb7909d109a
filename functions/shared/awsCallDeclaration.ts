/**
 * The shape of a function's declaration of the AWS calls it makes (`functions/<name>/awsCalls.ts`),
 * plain data with no Pulumi in it. The program generates the function's role policy from it
 * (components/platform/declaredCalls.ts), derives the VPC's interface endpoints from it, and the tests
 * check it both ways: every SDK command the function's code sends is declared, and every declared
 * call is allowed by a real IAM evaluator.
 */

/** The pipeline's resources a function may name, resolved to ARNs per stack by the program. */
export type PipelineResource =
  | "transactionsTable"
  | "archivedTransactionsTable"
  | "intakeTable"
  | "fileStatusTable"
  | "uploadsBucket"
  | "archiveBucket"
  | "screeningListsBucket"
  | "eventBus"
  | "alertsTopic"
  | "deadLetterQueue"
  | "pipelineKey"
  | "signingSecret";

/**
 * A resource, or a path under it: "uploadsBucket/uploads/*" is `${bucketArn}/uploads/*`,
 * "transactionsTable/index/byCustomer" an index of the table.
 */
export type ResourceReference = PipelineResource | `${PipelineResource}/${string}`;

/** One statement's worth of calls: the actions, on which resources, under which conditions. */
export interface DeclaredCall {
  /** Statement id in the generated policy, letters and digits. */
  readonly sid: string;
  /** Exact IAM actions (`service:Action`), each one that iam-data knows. */
  readonly actions: readonly string[];
  readonly resources: readonly ResourceReference[];
  /** IAM condition block; the simulation sends the request context that satisfies it. */
  readonly condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /**
   * Set when AWS services make the request with the function's role rather than its code (KMS
   * through DynamoDB, S3, SNS or Secrets Manager): each service's name, as in `kms:ViaService`
   * ("dynamodb"). Unset: the code sends it, through the VPC endpoint of the action's service.
   */
  readonly via?: readonly string[];
}

/** A function's whole declaration. */
export type FunctionAwsCalls = readonly DeclaredCall[];

/**
 * The condition of an events:PutEvents grant: every entry's source and detail type among those
 * listed. Both keys are multivalued (one value per entry of the call), so a set operator
 * (ForAllValues) with a Null guard, as the IAM User Guide asks for multivalued context keys; plain
 * StringEquals does not match a multivalued key.
 */
export function publishOnly(
  sources: readonly string[],
  detailTypes: readonly string[],
): NonNullable<DeclaredCall["condition"]> {
  return {
    "ForAllValues:StringEquals": { "events:source": [...sources], "events:detail-type": [...detailTypes] },
    Null: { "events:source": "false", "events:detail-type": "false" },
  };
}

/** Queries of one index of a table (never the table itself, so never a Scan of it). */
export function queryIndex(
  sid: string,
  table: PipelineResource,
  index: { readonly name: string },
): DeclaredCall {
  return { sid, actions: ["dynamodb:Query"], resources: [`${table}/index/${index.name}`] };
}

/**
 * The pipeline key used on the function's behalf by the services that encrypt its data with it
 * (`via`): decrypting what it reads and, by default, generating the data keys of what it writes.
 */
export function usePipelineKey(
  sid: string,
  via: readonly string[],
  actions: readonly string[] = ["kms:Decrypt", "kms:GenerateDataKey"],
): DeclaredCall {
  return { sid, actions, resources: ["pipelineKey"], via };
}
