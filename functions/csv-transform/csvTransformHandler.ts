/** The csv-transform handler, built from its dependencies: one run of runCsvTransform per invocation. */
import { correlateInvocation } from "../shared/correlation";
import { lambdaHandler, type LambdaHandler } from "../shared/lambdaHandler";
import { addCount, jobLog } from "../shared/powertools";
import { runCsvTransform, type CsvTransformDependencies, type CsvTransformResult } from "./csvTransform";

/** What the handler is built from; logs, metrics and correlation are the function's own. */
export type CsvTransformHandlerDependencies = Omit<CsvTransformDependencies, "log" | "metrics" | "correlate">;

export function createCsvTransformHandler(
  dependencies: CsvTransformHandlerDependencies,
): LambdaHandler<unknown, CsvTransformResult> {
  return lambdaHandler((event, context) =>
    runCsvTransform(
      { ...dependencies, log: jobLog, metrics: { count: addCount }, correlate: correlateInvocation },
      event,
      context,
    ),
  );
}
