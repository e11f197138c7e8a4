// While the indexer (full text, behind the sync) has not reached every cached event, the explorer says so, with exact
// counts, and says what it means for the answer shown: text matches cover only the indexed events; every other filter
// covers the whole cache. Nothing when the index is complete.
import type { AuditSummary } from '../../../../src-common/contract/index.ts';

export function SearchCoverage({ summary, searching }: { summary: AuditSummary | null; searching: boolean }) {
  const s = summary?.cache.search;
  if (!s || s.indexedEvents >= s.cachedEvents) return null;
  return (
    <p className="audit-search-coverage muted" role="status" data-testid="audit-search-catching-up" data-indexed={s.indexedEvents} data-cached={s.cachedEvents}>
      {`Search is catching up: indexed ${s.indexedEvents.toLocaleString()} of ${s.cachedEvents.toLocaleString()} events. `}
      {searching ? 'Text matches, and the count above, cover the indexed events only; the rest follow as indexing finishes.' : 'Filters other than text already cover every cached event.'}
    </p>
  );
}
