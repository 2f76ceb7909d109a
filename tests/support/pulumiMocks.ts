/**
 * Pulumi mocks shared by every infrastructure test. They record each resource and invoke, and
 * answer with the computed fields a real provider would return (arn, repoDigest, url, ...).
 * An invoke the mocks do not know throws, so an unexpected data-source call fails the test.
 *
 * What mocks cannot prove: that AWS accepts these inputs, that IAM really grants what the code
 * needs, or that awsx builds the subnets it is asked for. They prove what we ask for.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly state: Record<string, unknown>;
  /** Reference (`urn::id`) of the explicit provider, when one was given. */
  readonly provider?: string;
}

export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

const accountId = "123456789012";
const region = "eu-west-1";

/** The secret wrapper Pulumi puts around secret inputs under mocks. */
const secretSignature = "4dabf18193072939515e22adb298388d";

/** Removes Pulumi's secret wrappers so inputs can be compared with plain values. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[secretSignature] !== undefined && "value" in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}

function arnFor(type: string, name: string): string {
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  return `arn:aws:${service}:${region}:${accountId}:${name}`;
}

/** Provider-computed outputs per resource type; everything else echoes its inputs. */
function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const base = { ...inputs, arn: arnFor(type, name), name: inputs.name ?? name };
  switch (type) {
    case "awsx:ec2:Vpc":
      return {
        ...base,
        vpcId: `vpc-${name}`,
        isolatedSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
        privateSubnetIds: [],
        publicSubnetIds: [],
        // Real runs return RouteTable resource references; under mocks plain `{id}` objects stand in.
        routeTables: [{ id: "rtb-a" }, { id: "rtb-b" }, { id: "rtb-c" }],
      };
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return inputs.vpcEndpointType === "Gateway" ? { ...base, prefixListId: `pl-${name}` } : base;
    case "aws:cloudwatch/logGroup:LogGroup": {
      const prefixed = inputs.namePrefix !== undefined ? `${inputs.namePrefix}0123abcd` : name;
      const logGroupName = String(inputs.name ?? prefixed);
      return {
        ...base,
        name: logGroupName,
        arn: `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`,
      };
    }
    case "aws:ecr/repository:Repository":
      return {
        ...base,
        repositoryUrl: `${accountId}.dkr.ecr.${region}.amazonaws.com/${name}`,
        registryId: accountId,
      };
    case "docker:index/registryImage:RegistryImage":
      return { ...base, sha256Digest: `sha256:${"0".repeat(63)}1` };
    case "docker:index/image:Image": {
      const imageName = String(inputs.imageName ?? name);
      const repository = imageName.split(":")[0];
      return { ...base, repoDigest: `${repository}@sha256:${"0".repeat(63)}1` };
    }
    case "aws:sqs/queue:Queue":
      return { ...base, url: `https://sqs.${region}.amazonaws.com/${accountId}/${name}` };
    case "aws:lambda/function:Function":
      return {
        ...base,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arnFor(type, name)}/invocations`,
      };
    case "aws:kms/key:Key":
      return { ...base, keyId: `key-${name}` };
    // S3 names an autonamed bucket `<bucketPrefix><suffix>`; bucket ARNs carry no region or account.
    case "aws:s3/bucket:Bucket": {
      const prefixed = inputs.bucketPrefix !== undefined ? `${String(inputs.bucketPrefix)}0123abcd` : name;
      const bucketName = String(inputs.bucket ?? prefixed);
      return { ...base, bucket: bucketName, arn: `arn:aws:s3:::${bucketName}` };
    }
    case "aws:dynamodb/table:Table":
      return { ...base, streamArn: undefined };
    // API Gateway ids are the mock's `${name}-id`, as newResource answers.
    case "aws:apigateway/restApi:RestApi":
      return {
        ...base,
        executionArn: `arn:aws:execute-api:${region}:${accountId}:${name}-id`,
        rootResourceId: `${name}-root`,
      };
    case "aws:apigateway/stage:Stage":
      return {
        ...base,
        invokeUrl: `https://${String(inputs.restApi)}.execute-api.${region}.amazonaws.com/${String(inputs.stageName)}`,
        executionArn: `arn:aws:execute-api:${region}:${accountId}:${String(inputs.restApi)}/${String(inputs.stageName)}`,
      };
    case "aws:apigateway/apiKey:ApiKey":
      return { ...base, value: `mock-api-key-${name}` };
    // Secrets Manager computes the id of each version it stores (a UUID in real runs).
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { ...base, versionId: `${name}-version-id` };
    default:
      return base;
  }
}

function answerCall(token: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId, arn: `arn:aws:iam::${accountId}:user/test`, userId: "AIDATEST", id: accountId };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return {
        userName: "AWS",
        password: "mock-password",
        authorizationToken: "QVdTOm1vY2s=",
        proxyEndpoint: `https://${accountId}.dkr.ecr.${region}.amazonaws.com`,
        expiresAt: "2099-01-01T00:00:00Z",
        id: region,
      };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        names: [`${region}a`, `${region}b`, `${region}c`],
        zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
        id: region,
      };
    default:
      throw new Error(`unexpected invoke in a test: ${token}`);
  }
}

export interface MockRecorder {
  readonly resources: RecordedResource[];
  readonly calls: RecordedCall[];
  /** Resources of one type, in registration order. */
  ofType(type: string): RecordedResource[];
  /** The one resource of a type whose logical name ends with `suffix`; throws otherwise. */
  one(type: string, suffix?: string): RecordedResource;
}

/**
 * Installs fresh mocks for a stack and returns what they record. Call before importing or
 * constructing the code under test. `config` keys are full (`project:key`).
 */
export async function installMocks(
  stack = "test",
  config: Record<string, string> = {},
  project = "transaction-pipeline",
): Promise<MockRecorder> {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  pulumi.runtime.setAllConfig({ "aws:region": region, ...config });
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const state = computedState(args.type, args.name, args.inputs);
        resources.push({
          type: args.type,
          name: args.name,
          inputs: unwrapSecrets(args.inputs) as Record<string, unknown>,
          state,
          provider: args.provider,
        });
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        calls.push({ token: args.token, inputs: args.inputs });
        return answerCall(args.token);
      },
    },
    project,
    stack,
    false,
  );
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  return {
    resources,
    calls,
    ofType,
    one(type: string, suffix?: string) {
      const matches = ofType(type).filter(
        (resource) => suffix === undefined || resource.name.endsWith(suffix),
      );
      if (matches.length !== 1) {
        throw new Error(`expected one ${type}${suffix ? ` named *${suffix}` : ""}, found ${matches.length}`);
      }
      return matches[0];
    },
  };
}

/** Resolves a Pulumi Output (or plain value) for assertions. */
export function promiseOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

/** Waits until every registration started so far has reached the mocks. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) await new Promise((resolve) => setImmediate(resolve));
}
