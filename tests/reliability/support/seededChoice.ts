/**
 * Which requests a fault hits, chosen by hashing the request with a fixed seed rather than drawn
 * from Math.random: the same request meets the same fate in every run, whatever order concurrent
 * work reaches the fault in.
 */
import { createHash } from "node:crypto";

/** A number in [0, 1) fixed by the seed and the parts. */
export function seededFraction(seed: string, ...parts: readonly (string | number)[]): number {
  const digest = createHash("sha256")
    .update(JSON.stringify([seed, ...parts]))
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** True for about `fraction` of the distinct part lists. */
export function seededPick(seed: string, fraction: number, ...parts: readonly (string | number)[]): boolean {
  return seededFraction(seed, ...parts) < fraction;
}

/** Counts how often each key was seen: the n-th sending of a request is a request of its own. */
export class Occurrences {
  private readonly seen = new Map<string, number>();

  /** 1 the first time `key` is noted, 2 the second, … */
  note(key: string): number {
    const count = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, count);
    return count;
  }
}

/**
 * Which sendings of which requests a fault hits, fixed by a seed: the n-th distinct request of a
 * kind fails on its s-th sending when a hash of (seed, kind, n, s) falls under `fraction`, for at
 * most `maxFailuresPerRequest` sendings. The failures per kind are then the same in every run;
 * which logical request is the n-th of its kind depends on how concurrent work interleaves. With
 * `failFirstOfEachKind`, the first sending of the first request of every kind fails too, so that
 * every kind is seen to recover however few requests it makes.
 */
export class SeededFaultSchedule {
  private readonly sendings = new Occurrences();
  private readonly ordinals = new Map<string, number>();
  private readonly distinct = new Occurrences();

  constructor(
    private readonly seed: string,
    private readonly fraction: number,
    private readonly maxFailuresPerRequest: number,
    private readonly options: { readonly failFirstOfEachKind?: boolean } = {},
  ) {}

  /** Notes one sending of the request `identity` (the same for every sending of it) and says whether it fails. */
  fails(kind: string, identity: string): boolean {
    const sending = this.sendings.note(identity);
    let ordinal = this.ordinals.get(identity);
    if (ordinal === undefined) {
      ordinal = this.distinct.note(kind);
      this.ordinals.set(identity, ordinal);
    }
    if (sending > this.maxFailuresPerRequest) return false;
    if (this.options.failFirstOfEachKind && ordinal === 1 && sending === 1) return true;
    return seededPick(this.seed, this.fraction, kind, ordinal, sending);
  }
}
