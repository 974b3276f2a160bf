/**
 * The public transparency page: how the active algorithm works in plain language, how much the service holds and
 * has served, and the controls every user has.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { describeAlgorithm } from '../../core/algorithm.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { VIEW_WINDOW } from '../../features/engagement-ledger.js';
import { PUBLIC } from '../access.js';
import { USER_CONCURRENT_REQUESTS, USER_EVENTS_PER_MINUTE } from '../request-budget.js';
import { VIDEO_STATE_SIGNALS_PER_MINUTE, VIDEO_VIEWS_PER_MINUTE } from '../video-signal-budget.js';

export const USER_CONTROLS = [
  {
    control: 'personalised feed on/off',
    how: 'PATCH /v1/users/:id/settings with {"personalized": false}, or GET /v1/feed/:id?mode=nonpersonalized',
    effect: 'a feed not based on profiling: popular in your region and new uploads (EU DSA Art. 38)',
  },
  {
    control: 'following feed',
    how: 'GET /v1/feed/:id?mode=following',
    effect: 'only accounts you follow, newest first',
  },
  {
    control: 'not interested / block a creator',
    how: 'POST /v1/events with type "not_interested" and one of their videos',
    effect: 'nothing of that creator is served to you again, and the model learns to show you less like it',
  },
  {
    control: 'reset your recommendations',
    how: 'POST /v1/users/:id/reset',
    effect: 'what your history taught the feed about you is forgotten; whom you follow and block stays',
  },
  { control: 'export your data', how: 'GET /v1/users/:id/export', effect: 'everything held about you, as JSON' },
  {
    control: 'erase your data',
    how: 'DELETE /v1/users/:id',
    effect: 'your profile, events, uploads and model vectors are deleted everywhere, snapshots included',
  },
] as const;

/** The batch model in use: which, which version, fitted on the log up to which position, and when. */
function batchModelSummary(service: ForyouService) {
  const batch = service.state.batch;
  if (!batch) return null;
  const { name, version, seq, trainedAt } = batch.info;
  return { name, version, fittedThroughEvent: seq, trainedAt, items: batch.numItems, retrainedInBackground: service.retrainer !== undefined };
}

function describeBatchModel(service: ForyouService): string {
  const batch = service.state.batch;
  if (!batch) return 'No batch model is in use yet: candidates come from the online sources alone.';
  const { name, version } = batch.info;
  const when = service.retrainer
    ? 'It is refitted in the background on a schedule and as new events arrive; every version is in the audit log.'
    : 'It is refitted when the operator runs `foryou train`; every version is in the audit log.';
  return (
    `Batch model in use: "${name}" version ${version}, fitted on everyone's likes and finished plays over the ` +
    `${batch.numItems} most engaged videos. Your whole history is folded into it at each request, so a like changes ` +
    `its picks at once; its picks get up to +${service.algorithm.config.sourceBoosts.batch}. ${when}`
  );
}

/**
 * How far one user can move what everyone's feed is built from (features/engagement-ledger.ts, api/request-budget.ts),
 * and many together (api/video-signal-budget.ts).
 */
export const ONE_USERS_INFLUENCE =
  `One person's influence on what everyone sees is bounded. A like, share, comment, follow, report or "not ` +
  `interested" is a state of that person and that video: the first counts in the video's statistics (trending, ` +
  `co-engagement, topics, new-video trials, the shared model), repeats change nothing, and an unlike undoes a ` +
  `counted like once. A replay counts once among the person's last ${VIEW_WINDOW} videos watched. So one person ` +
  `adds at most one event of each kind to any video. A user's own key may send ${USER_EVENTS_PER_MINUTE} events a ` +
  `minute and have ${USER_CONCURRENT_REQUESTS} requests in flight; every event still shapes that person's own feed. ` +
  `Many accounts acting together are bounded per video: all users' apps together may send ` +
  `${VIDEO_STATE_SIGNALS_PER_MINUTE} likes, shares, comments and reports and ${VIDEO_VIEWS_PER_MINUTE} views of one ` +
  `video a minute to a server.`;

export function registerTransparencyRoutes(app: FastifyInstance, service: ForyouService): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/transparency',
    {
      schema: { tags: ['transparency'], summary: 'How the feed works, what the service holds, and your controls' },
      config: { access: PUBLIC },
    },
    async () => {
      const algorithm = service.algorithm;
      const counts = await service.store.counts();
      const head = await service.audit.head();
      return {
        algorithm: {
          version: algorithm.version,
          publishedAt: algorithm.createdAt,
          author: algorithm.author,
          note: algorithm.note,
          description: [...describeAlgorithm(algorithm.config), describeBatchModel(service), ONE_USERS_INFLUENCE],
          signals: algorithm.config.valueWeights,
          sources: algorithm.config.sourceBudgets,
          sourceBoosts: algorithm.config.sourceBoosts,
          diversity: { maxPerHashtagPerPage: algorithm.config.maxPerHashtagPerPage, sameCreatorInARow: false },
          exploration: {
            freshCandidates: algorithm.config.sourceBudgets.fresh,
            freshBoost: algorithm.config.sourceBoosts.fresh,
            freshWindowMs: algorithm.config.freshWindowMs,
            stagedExposure: algorithm.config.freshExposure,
          },
        },
        models: { batch: batchModelSummary(service) },
        statistics: {
          videos: counts.videos,
          users: counts.users,
          events: counts.events,
          feedItemsServed: counts.served,
          algorithmVersions: algorithm.version,
          auditEntries: head.seq,
          auditHeadHash: head.hash,
        },
        controls: USER_CONTROLS,
      };
    },
  );
}
