import { expect } from "chai";
import { TrackedWork } from "../../local/trackedWork";

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

describe("TrackedWork", () => {
  it("keeps work until it resolves or rejects", async () => {
    // Prepare
    const work = new TrackedWork();
    const resolves = deferred();
    const rejects = deferred();
    work.track(resolves.promise);
    work.track(rejects.promise);
    rejects.promise.catch(() => undefined);

    // Act
    const before = work.running().length;
    resolves.resolve();
    rejects.reject(new Error("failed"));
    await Promise.allSettled([resolves.promise, rejects.promise]);

    // Assess
    expect(before).to.equal(2);
    expect(work.running()).to.deep.equal([]);
    expect(work.busy()).to.equal(false);
  });

  it("idle() also waits for work started while it waits", async () => {
    // Prepare
    const work = new TrackedWork();
    const first = deferred();
    const second = deferred();
    let secondEnded = false;
    work.track(first.promise.then(() => work.track(second.promise.then(() => void (secondEnded = true)))));

    // Act
    const idle = work.idle();
    first.resolve();
    setImmediate(() => second.resolve());
    await idle;

    // Assess
    expect(secondEnded).to.equal(true);
    expect(work.busy()).to.equal(false);
  });
});
