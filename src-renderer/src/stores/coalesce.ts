// Bursts of refresh requests (state.changed events, filter edits) become at most one call in flight plus one queued:
// a request during a run asks for one more pass and shares the run's promise. `before`/`after` bracket the whole run.
export function coalesced(pass: () => Promise<void>, hooks: { before(): void; after(): void }): () => Promise<void> {
  let inFlight: Promise<void> | null = null;
  let again = false;
  return () => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    hooks.before();
    inFlight = (async () => {
      do {
        again = false;
        await pass();
      } while (again);
      hooks.after();
      inFlight = null;
    })();
    return inFlight;
  };
}
