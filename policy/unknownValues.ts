/**
 * During `pulumi preview` a property computed by another resource (a bucket's generated name, an
 * image digest) is unknown. @pulumi/policy hands policies a proxy that throws UnknownValueError
 * when such a property is read; in a resource policy that is fine (the engine reports "can't run
 * during preview" and the check runs again at `pulumi up`), but in a stack policy one throw would
 * skip every other resource too. Stack policies read through `known` instead.
 */
import { UnknownValueError } from "@pulumi/policy";

/** Marks a value the engine cannot know before the update runs. */
export const unknownValue: unique symbol = Symbol("unknown until the update runs");
export type Unknown = typeof unknownValue;

/** Runs `read`, turning @pulumi/policy's unknown-value error into {@link unknownValue}. */
export function known<T>(read: () => T): T | Unknown {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return unknownValue;
    throw error;
  }
}
