import { usePipelineKey, type FunctionAwsCalls } from "../shared/awsCallDeclaration";

/** What the notifier calls (README: "Declared AWS calls"). */
export const awsCalls: FunctionAwsCalls = [
  {
    sid: "CountDecisionsOnce",
    actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    resources: ["intakeTable", "fileStatusTable"],
  },
  { sid: "SendFileSummary", actions: ["sns:Publish"], resources: ["alertsTopic"] },
  usePipelineKey("UseTableKey", ["dynamodb", "sns"]),
];
