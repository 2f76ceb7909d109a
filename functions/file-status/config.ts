/** FileStatus's configuration, read once at cold start. */
import { EnvironmentName } from "../shared/environmentNames";
import { environmentReader, required } from "../shared/environment";

export const loadFileStatusConfig = environmentReader({
  /** The processing-status table of uploaded files. */
  fileStatusTable: required(EnvironmentName.fileStatusTable),
});

export type FileStatusConfig = ReturnType<typeof loadFileStatusConfig>;
