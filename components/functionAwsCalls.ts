/**
 * Every function's declared AWS calls, by function folder: the one place a new function's
 * `functions/<name>/awsCalls.ts` is registered. The program generates role policies and interface
 * endpoints from it; the tests scan each function's code and simulate each call against it.
 */
import { awsCalls as archival } from "../functions/archival/awsCalls";
import { awsCalls as compliance } from "../functions/compliance/awsCalls";
import { awsCalls as csvIntake } from "../functions/csv-intake/awsCalls";
import { awsCalls as csvTransform } from "../functions/csv-transform/awsCalls";
import { awsCalls as fileStatus } from "../functions/file-status/awsCalls";
import { awsCalls as fraudDetection } from "../functions/fraud-detection/awsCalls";
import { awsCalls as notifier } from "../functions/notifier/awsCalls";
import { awsCalls as reconciler } from "../functions/reconciler/awsCalls";
import { awsCalls as screeningListsRefresh } from "../functions/screening-lists-refresh/awsCalls";
import type { FunctionAwsCalls } from "../functions/shared/awsCallDeclaration";
import { awsCalls as transactionStatus } from "../functions/transaction-status/awsCalls";
import { awsCalls as validation } from "../functions/validation/awsCalls";
import { awsCalls as webhookIntake } from "../functions/webhook-intake/awsCalls";

export const functionAwsCalls = {
  validation,
  "fraud-detection": fraudDetection,
  compliance,
  "webhook-intake": webhookIntake,
  "transaction-status": transactionStatus,
  "csv-intake": csvIntake,
  "file-status": fileStatus,
  "csv-transform": csvTransform,
  notifier,
  reconciler,
  archival,
  "screening-lists-refresh": screeningListsRefresh,
} as const satisfies Record<string, FunctionAwsCalls>;

export type DeclaredFunction = keyof typeof functionAwsCalls;

/**
 * Functions that run outside the VPC (they download from the internet, which the VPC has no route
 * to): their calls need no interface endpoint and their roles no network-interface statements.
 */
export const outsideVpcFunctions: readonly DeclaredFunction[] = ["screening-lists-refresh"];

/** The declarations of the functions in the VPC: what its interface endpoints serve. */
export function vpcFunctionAwsCalls(): FunctionAwsCalls[] {
  return (Object.keys(functionAwsCalls) as DeclaredFunction[])
    .filter((folder) => !outsideVpcFunctions.includes(folder))
    .map((folder) => functionAwsCalls[folder]);
}
