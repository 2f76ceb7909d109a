import { publishOnly, usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";
import { DetailType, intakeEventSource } from "../shared/eventRouting";

/** What csv-transform calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  { sid: "ReadValidatedFiles", actions: ["s3:GetObject"], resources: ["uploadsBucket/validated/*"] },
  // Which rows were received already (BatchGet), and the dedupe records of those published (BatchWrite).
  {
    sid: "RecordDeliveries",
    actions: ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"],
    resources: ["intakeTable"],
  },
  { sid: "TrackFiles", actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources: ["fileStatusTable"] },
  // Rows, and the rest of a file handed to its next run through the bus.
  {
    sid: "PublishRowsAndContinuations",
    actions: ["events:PutEvents"],
    resources: ["eventBus"],
    condition: publishOnly([intakeEventSource], [DetailType.received, DetailType.csvLoadContinued]),
  },
  { sid: "SendFileSummary", actions: ["sns:Publish"], resources: ["alertsTopic"] },
  // Tables (DynamoDB), objects (S3) and the topic (SNS) are encrypted with the pipeline key.
  usePipelineKey("UseTableKey", ["dynamodb", "s3", "sns"]),
];
