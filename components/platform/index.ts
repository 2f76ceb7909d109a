/**
 * What every capability stands on: the VPC and its endpoints, the key, tables, alerts topic and
 * dead-letter queue, the container-image function every Lambda is built as, and the on-failure
 * queue of asynchronous invocations. Pure builders (IAM, bucket and queue policies, table
 * arguments) are imported from their files.
 */
export { ContainerFunction, type ContainerFunctionArgs, type FunctionUpkeepArgs } from "./containerFunction";
export { DataStores, type DataStoresArgs } from "./dataStores";
export { declaredStatements, interfaceEndpointServicesFor, type PipelineResourceArns } from "./declaredCalls";
export { FailureQueue, type FailureQueueArgs } from "./failureQueue";
export { Network, type NetworkArgs } from "./network";
