/** "Why this video": the explanation the server gives for the video — its sources, main predictions and reasons. */
import { useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Explanation, FeedMode, Video } from '../api/types';
import { describeError } from '../app/errors';
import { Dialog } from '../app/Dialog';

const MAIN_TERMS = 5;

export function ExplainSheet({ video, mode, api, onClose }: { video: Video; mode: FeedMode | undefined; api: ApiClient; onClose: () => void }) {
  const [explanation, setExplanation] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(false);

  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    api.explain(video.id, mode).then(setExplanation, (failure: unknown) => setError(describeError(failure)));
  }, [api, video.id, mode]);

  return (
    <Dialog title="Why this video" onClose={onClose}>
      <p className="explain-video">
        “{video.caption || video.id}” by @{video.creator}
      </p>
      {error && <p className="error">{error}</p>}
      {!explanation && !error && <p>Loading…</p>}
      {explanation && <ExplanationBody explanation={explanation} />}
    </Dialog>
  );
}

function ExplanationBody({ explanation }: { explanation: Explanation }) {
  const proposed = explanation.sources.filter((source) => source.proposed);
  const terms = [...(explanation.score?.terms ?? [])]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, MAIN_TERMS);
  return (
    <div className="explanation">
      <p className="verdict">{explanation.verdict}</p>
      {explanation.reasons.length > 0 && (
        <section>
          <h3>Reasons</h3>
          <ul className="reasons">
            {explanation.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h3>Where it came from</h3>
        {proposed.length === 0 ? (
          <p>No source proposed it for this page.</p>
        ) : (
          <ul className="sources">
            {proposed.map((source) => (
              <li key={source.name}>
                <strong>{source.name}</strong>
                {source.rawScore !== null && <span className="number"> {formatNumber(source.rawScore)}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {explanation.score && (
        <section>
          <h3>Main predictions ({explanation.score.scorer})</h3>
          <table className="terms">
            <thead>
              <tr>
                <th scope="col">signal</th>
                <th scope="col">value</th>
                <th scope="col">weight</th>
                <th scope="col">effect</th>
              </tr>
            </thead>
            <tbody>
              {terms.map((term) => (
                <tr key={term.name}>
                  <th scope="row">{term.name}</th>
                  <td>{formatNumber(term.input)}</td>
                  <td>{formatNumber(term.weight)}</td>
                  <td className={term.contribution < 0 ? 'negative' : 'positive'}>{formatNumber(term.contribution)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <p className="muted">
        Mode: {explanation.mode}. Filters passed: {explanation.filters.filter((f) => f.passed).length} of {explanation.filters.length}.
        {explanation.rank !== null && ` Ranked ${explanation.rank} of ${explanation.candidates} candidates.`}
      </p>
    </div>
  );
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(2);
}
