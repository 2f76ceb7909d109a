/** The one comparison of a computed webhook signature with one a delivery carries. */
import { timingSafeEqual } from "node:crypto";

/** Constant-time equality of two encoded signatures (different lengths are simply unequal). */
export function sameSignature(expected: string, candidate: string): boolean {
  const left = Buffer.from(expected, "utf8");
  const right = Buffer.from(candidate, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
