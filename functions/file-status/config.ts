/** FileStatus's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { requireEnvironment, type EnvironmentSource } from "../shared/environment";

export interface FileStatusConfig {
  /** The processing-status table of uploaded files. */
  readonly fileStatusTable: string;
}

export function loadFileStatusConfig(env: EnvironmentSource = process.env): FileStatusConfig {
  return { fileStatusTable: requireEnvironment(EnvironmentName.fileStatusTable, env) };
}
