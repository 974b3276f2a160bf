/**
 * The controls a user has over their own feed, beside export and erasure: turning personalisation off, and
 * resetting the profile learned from their history (follows and blocks stay). Both apply to the next page.
 */
import { z } from 'zod';
import { NotFoundError } from '../core/errors.js';
import type { User } from '../core/schemas.js';
import type { ForyouService } from './foryou-service.js';

/** Body of PATCH /v1/users/:id/settings: the settings a user may change themselves (not `minor`). */
export const SettingsPatchSchema = z.strictObject({
  personalized: z.boolean().optional().describe('false = a feed not based on profiling (DSA Art. 38)'),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Applies the patch to the user's settings (a user met for the first time is created) and returns the user. */
export async function changeSettings(service: ForyouService, id: string, patch: SettingsPatch, now = Date.now()): Promise<User> {
  const user = await service.userForFeed(id, now);
  const profile = user.profile;
  const settings = { ...profile.settings, ...(patch.personalized === undefined ? {} : { personalized: patch.personalized }) };
  await service.putUser({ ...profile, settings });
  return service.state.users.get(id)!.profile;
}

/**
 * Forgets what the user's history taught the recommender about them, everywhere: recorded in the store (so a
 * restart replays it at its place in the log) and applied to the online state and every feed worker's replica.
 * The events stay (the user can still export or erase them); audited under the user's pseudonym.
 */
export async function resetProfile(service: ForyouService, id: string, actor: string, now = Date.now()): Promise<{ reset: true; coversEventsUpTo: number }> {
  const user = service.state.users.get(id);
  if (!user) throw new NotFoundError(`unknown user "${id}"`);
  // The reset covers every event stored so far: those still being applied are applied first, as a replay would.
  await service.applier.idle();
  // A user known only in memory (first met through a feed request whose store write is still under way) is stored.
  let seq = await service.store.markProfileReset(id);
  if (seq === undefined) {
    await service.store.putUsers([user.profile]);
    seq = (await service.store.markProfileReset(id))!;
  }
  service.state.resetProfile(id, seq);
  await service.audit.append('user.profile-reset', actor, { coversEventsUpTo: seq }, await service.audit.pseudonym(id), now);
  return { reset: true, coversEventsUpTo: seq };
}
