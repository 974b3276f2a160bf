/**
 * "Why this video?" for one user and one video: runs the user's feed pipeline exactly as a page request would
 * (nothing recorded, nothing learned) and reports every stage the video met — which sources proposed it, each
 * filter's verdict, the scorer's terms, its rank, and whether the re-ranker put it on the page or which rule held
 * it back.
 */
import type { FeedMode } from '../core/schemas.js';
import { MAX_SOURCES } from './candidates.js';
import type { FeedPipeline, StagePlan } from './feed-pipeline.js';
import { SAFETY_FILTERS } from './filters/filters.js';
import { followingFeed } from './following-feed.js';
import type { FeedRequest, Filter, RerankRule, RerankVerdict, ScoreTerm } from './stages.js';

export interface FeedExplanation {
  user: string;
  video: string;
  mode: FeedMode;
  sources: Array<{ name: string; proposed: boolean; rawScore: number | null }>;
  filters: Array<{ name: string; passed: boolean; reason: string | null }>;
  /** Null when the video never reached the scorer (no source proposed it, or a filter removed it). */
  score: { scorer: string; value: number; terms: ScoreTerm[] } | null;
  /** 1-based rank by score among the candidates that passed the filters; null when it was not among them. */
  rank: number | null;
  candidates: number;
  reRanker: {
    name: string;
    onPage: boolean;
    /** 1-based position on the requested page, or null. */
    position: number | null;
    exploration: boolean;
    heldBack: Array<{ position: number; rule: RerankRule; reason: string }>;
  } | null;
  /** The plain-language reasons a feed item shows; empty when the video would not be served. */
  reasons: string[];
  /** One sentence: the stage that decided. */
  verdict: string;
  /** The user was already shown it (or interacted with it): explained as if not, i.e. as it was chosen. */
  shownBefore?: boolean;
}

export function explainRanked(
  pipeline: FeedPipeline,
  plan: StagePlan,
  request: FeedRequest,
  vidx: number,
  offset: number,
): FeedExplanation {
  const { candidates, page } = pipeline.run(plan, request, offset + request.n);
  const slot = candidates.has(vidx) ? candidates.slotFor(vidx) : -1;
  const mask = slot < 0 ? 0 : candidates.sourceMask[slot]!;
  const sources = [...plan.sources, ...plan.backfill].map((source) => {
    const proposed = (mask & (1 << source.bit)) !== 0;
    return { name: source.name, proposed, rawScore: proposed ? round(candidates.rawScore[slot * MAX_SOURCES + source.bit]!) : null };
  });
  const filters = filterVerdicts(plan.filters, request, vidx);
  let kept = 0;
  for (let s = 0; s < candidates.size; s++) kept += candidates.kept[s]!;
  const base = { user: request.user.profile.id, video: request.state.catalog.ids[vidx]!, mode: request.mode, sources, filters };
  if (slot < 0 || candidates.kept[slot] === 0) {
    const failed = filters.find((f) => !f.passed);
    const verdict =
      slot < 0
        ? `No source proposed it${failed ? `, and the ${failed.name} filter would remove it: ${failed.reason}` : ''}.`
        : `The ${failed?.name ?? 'filter'} filter removed it: ${failed?.reason ?? 'it was filtered out'}.`;
    return { ...base, score: null, rank: null, candidates: kept, reRanker: null, reasons: [], verdict };
  }

  const terms = plan.scorer.breakdown(request, candidates, slot).map((t) => ({
    name: t.name,
    input: round(t.input),
    weight: t.weight,
    contribution: round(t.contribution),
  }));
  const selection = plan.reRanker.explainSelection({ ...request, n: offset + request.n }, candidates, slot);
  const reRanker = describeSelection(plan.reRanker.name, selection, offset, request);
  const onPage = reRanker.onPage;
  return {
    ...base,
    score: { scorer: plan.scorer.name, value: round(candidates.score[slot]!), terms },
    rank: selection.rank,
    candidates: kept,
    reRanker,
    reasons: onPage ? plan.scorer.explain(request, candidates, slot) : [],
    verdict: rankedVerdict(selection, offset, request.n, page.length),
  };
}

/** The chronological following feed: no sources but follows, no score; the order is the clock's. */
export function explainChronological(request: FeedRequest, vidx: number, before: [number, number] | undefined): FeedExplanation {
  const { catalog } = request.state;
  const video = catalog.video(vidx);
  const followed = request.user.follows.has(video.creator);
  const filters = filterVerdicts(SAFETY_FILTERS, request, vidx);
  const all = followingFeed({ ...request, n: Number.MAX_SAFE_INTEGER }, before);
  const index = all.indexOf(vidx);
  const onPage = index >= 0 && index < request.n;
  const failed = filters.find((f) => !f.passed);
  const verdict = !followed
    ? `You do not follow ${video.creator}; the following feed shows only accounts you follow.`
    : failed
      ? `The ${failed.name} filter removed it: ${failed.reason}.`
      : onPage
        ? `On the page at position ${index + 1}: the following feed is in time order, newest first.`
        : index < 0
          ? 'It comes before the page you asked for (the cursor is past it).'
          : `Too old for this page: ${index} newer videos of accounts you follow come first.`;
  return {
    user: request.user.profile.id,
    video: video.id,
    mode: 'following',
    sources: [{ name: 'following', proposed: followed && !failed, rawScore: null }],
    filters,
    score: null,
    rank: index >= 0 ? index + 1 : null,
    candidates: all.length,
    reRanker: null,
    reasons: onPage ? [`following: the newest videos of accounts you follow, in time order (${video.creator})`] : [],
    verdict,
  };
}

function filterVerdicts(filters: readonly Filter[], request: FeedRequest, vidx: number): FeedExplanation['filters'] {
  return filters.map((filter) => {
    const passed = filter.keep(request, vidx);
    return { name: filter.name, passed, reason: passed ? null : filter.why(request, vidx) };
  });
}

const RULE_REASONS: Record<RerankRule, (request: FeedRequest) => string> = {
  creator: () => 'the item before it has the same creator',
  sound: () => 'the item before it uses the same sound',
  hashtag: (request) =>
    `${request.algorithm.maxPerHashtagPerPage} of the ${request.algorithm.diversityWindow - 1} items before it already share one of its hashtags`,
  exploration: () => 'the position was reserved for a new video being tried out',
};

function describeSelection(
  name: string,
  selection: RerankVerdict,
  offset: number,
  request: FeedRequest,
): NonNullable<FeedExplanation['reRanker']> {
  const onPage = selection.position >= offset;
  return {
    name,
    onPage,
    position: onPage ? selection.position - offset + 1 : null,
    exploration: onPage && selection.exploration,
    heldBack: selection.heldBack
      .filter((held) => held.position >= offset)
      .map((held) => ({ position: held.position - offset + 1, rule: held.rule, reason: RULE_REASONS[held.rule](request) })),
  };
}

function rankedVerdict(selection: RerankVerdict, offset: number, n: number, selected: number): string {
  if (selection.position >= offset) {
    const slot = selection.exploration ? ' (an exploration slot for new videos)' : '';
    return `On the page at position ${selection.position - offset + 1}${slot}, ranked ${selection.rank} by value.`;
  }
  if (selection.position >= 0) return `Served on an earlier page, at position ${selection.position + 1} of the list.`;
  const rules = [...new Set(selection.heldBack.map((held) => held.rule))];
  const short = selected < offset + n;
  if (rules.length > 0) {
    const end = short ? ', and the page ended short rather than break it' : ' until the page was full';
    return `Ranked ${selection.rank} by value, but held back by the re-ranker's ${rules.join(' and ')} rule${end}.`;
  }
  if (short) return `Ranked ${selection.rank} by value; the page ended short before reaching it.`;
  return `Ranked ${selection.rank} by value: the page filled with higher-value videos first.`;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
