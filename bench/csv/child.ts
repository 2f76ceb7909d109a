/**
 * One measured CSV run, forked by the suite: `child.ts <implementation> <task> <file>`, or
 * `child.ts <reference> reference <file>` for one of the references.
 */
import { measureInChild } from "../lib/childMeasure";
import { csvReferenceRunners, csvReferences, type CsvReference } from "./references";
import { csvImplementations, csvTaskRunners, csvTasks, type CsvImplementation, type CsvTask } from "./tasks";

const [implementation, task, file] = process.argv.slice(2);

function isImplementation(value: string | undefined): value is CsvImplementation {
  return (csvImplementations as readonly (string | undefined)[]).includes(value);
}

function isReference(value: string | undefined): value is CsvReference {
  return (csvReferences as readonly (string | undefined)[]).includes(value);
}

function isTask(value: string | undefined): value is CsvTask {
  return (csvTasks as readonly (string | undefined)[]).includes(value);
}

if (file === undefined) {
  throw new Error(`usage: child.ts <${csvImplementations.join("|")}> <${csvTasks.join("|")}> <file>`);
} else if (isReference(implementation) && task === "reference") {
  void measureInChild(() => csvReferenceRunners[implementation](file));
} else if (isImplementation(implementation) && isTask(task)) {
  void measureInChild(() => csvTaskRunners[implementation][task](file));
} else {
  throw new Error(
    `usage: child.ts <${csvImplementations.join("|")}> <${csvTasks.join("|")}> <file>, or <${csvReferences.join("|")}> reference <file>`,
  );
}
