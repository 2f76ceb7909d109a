/**
 * Work the local runtime has started and not seen end (deliveries, invocations, executions, runs),
 * kept so that shutting down and tests can wait until the pipeline is quiet.
 */
export class TrackedWork<T = void> {
  private readonly inFlight = new Set<Promise<T>>();

  /** Keeps `work` until it settles, whether it resolves or rejects. */
  track(work: Promise<T>): void {
    this.inFlight.add(work);
    const forget = () => {
      this.inFlight.delete(work);
    };
    work.then(forget, forget);
  }

  /** The work that has not ended. */
  running(): Promise<T>[] {
    return [...this.inFlight];
  }

  busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Resolves once nothing is in flight, including work started by work that ended meanwhile. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
