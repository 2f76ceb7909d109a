import { publishOnly, usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { DetailType, intakeEventSource } from "../shared/eventRouting";

/** What the webhook intake calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  // Claim (put), read back, mark accepted (update), release after a failed publish (delete).
  {
    sid: "RecordDeliveries",
    actions: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
    resources: ["intakeTable"],
  },
  { sid: "ReadSigningSecrets", actions: ["secretsmanager:GetSecretValue"], resources: ["signingSecret"] },
  {
    sid: "PublishTransactionReceived",
    actions: ["events:PutEvents"],
    resources: ["eventBus"],
    condition: publishOnly([intakeEventSource], [DetailType.received]),
  },
  // The intake table (DynamoDB) and the secret (Secrets Manager) are encrypted with the pipeline key.
  usePipelineKey("UsePipelineKey", ["dynamodb", "secretsmanager"]),
];
