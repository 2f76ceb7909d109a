/** One measured domain run, forked by the suite: `child.ts <seed> <count> <warmup>`. */
import { measureInChild } from "../lib/childMeasure";
import { runDomainMeasurement } from "./measure";

const [seed, count, warmup] = process.argv.slice(2).map(Number);

if (![seed, count, warmup].every(Number.isSafeInteger) || count < 1 || warmup < 0) {
  throw new Error("usage: child.ts <seed> <count> <warmup> (whole numbers, count at least 1)");
}
void measureInChild(async () => runDomainMeasurement({ seed, count, warmup }));
