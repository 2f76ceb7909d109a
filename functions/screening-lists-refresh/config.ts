/** The refresh function's settings, read once at cold start; a bad value fails naming its variable. */
import * as z from "../shared/zod";
import { EnvironmentName } from "../shared/environmentNames";
import {
  optionalEnvironment,
  optionalJsonEnvironment,
  requireEnvironment,
  type EnvironmentSource,
} from "../shared/environment";
import { InvalidEnvironmentError } from "../shared/errors";
import { defaultListSources, listSourcesSchema, type ListSource } from "./listSources";

export interface RefreshConfig {
  readonly bucket: string;
  readonly sources: readonly ListSource[];
  readonly minimumRetainedShare: number;
}

export function readRefreshConfig(env: EnvironmentSource = process.env): RefreshConfig {
  const bucket = requireEnvironment(EnvironmentName.screeningListsBucket, env);
  const rawSources = optionalJsonEnvironment(EnvironmentName.screeningListsSources, env);
  const sources =
    rawSources === undefined
      ? { success: true as const, data: [...defaultListSources] }
      : listSourcesSchema.safeParse(rawSources);
  if (!sources.success) {
    throw new InvalidEnvironmentError(EnvironmentName.screeningListsSources, z.prettifyError(sources.error));
  }
  const shareText = optionalEnvironment(EnvironmentName.screeningListsMinimumRetainedShare, env) ?? "0.9";
  const share = Number(shareText);
  if (!/^0(\.\d+)?$|^1(\.0+)?$/.test(shareText) || !(share > 0 && share <= 1)) {
    throw new InvalidEnvironmentError(
      EnvironmentName.screeningListsMinimumRetainedShare,
      `expected a share above 0 and at most 1, got ${JSON.stringify(shareText)}`,
    );
  }
  return { bucket, sources: sources.data, minimumRetainedShare: share };
}
