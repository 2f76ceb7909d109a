/**
 * What every handler does around its work, in Powertools' plain-call style: Lambda context on the
 * logs, a traced subsegment with cold-start and service annotations, and metrics flushed at the
 * end whatever happens.
 */
import type { Context } from "aws-lambda";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logger, metrics, tracer } from "./powertools";

export async function observeInvocation<T>(context: Context, work: () => Promise<T>): Promise<T> {
  logger.addContext(context);
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER ?? context.functionName}`);
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await work();
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    tracer.addErrorAsMetadata(failure);
    logger.error("Invocation failed", failure);
    // Also keeps publishStoredMetrics from warning about an empty flush on the error path.
    metrics.addMetric("InvocationErrors", MetricUnit.Count, 1);
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    if (segment && subsegment) {
      subsegment.close();
      tracer.setSegment(segment);
    }
  }
}
