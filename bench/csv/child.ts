/** One measured CSV run, forked by the suite: `child.ts <implementation> <task> <file>`. */
import { measureInChild } from "../lib/childMeasure";
import { csvImplementations, csvTaskRunners, csvTasks, type CsvImplementation, type CsvTask } from "./tasks";

const [implementation, task, file] = process.argv.slice(2);

function isImplementation(value: string | undefined): value is CsvImplementation {
  return (csvImplementations as readonly (string | undefined)[]).includes(value);
}

function isTask(value: string | undefined): value is CsvTask {
  return (csvTasks as readonly (string | undefined)[]).includes(value);
}

if (!isImplementation(implementation) || !isTask(task) || file === undefined) {
  throw new Error(`usage: child.ts <${csvImplementations.join("|")}> <${csvTasks.join("|")}> <file>`);
}
void measureInChild(() => csvTaskRunners[implementation][task](file));
