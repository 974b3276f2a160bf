/** Following a creator: a `follow`/`unfollow` event, the session's set of followed creators, a notice. */
import { useCallback } from 'react';
import { useApp } from '../app/app-context';

export function useFollow(): { follows: (creator: string) => boolean; toggle: (creator: string) => void } {
  const { reporter, following, setFollowing, notify } = useApp();
  const toggle = useCallback(
    (creator: string) => {
      const follows = !following.has(creator);
      reporter.record(follows ? 'follow' : 'unfollow', { creator });
      setFollowing(creator, follows);
      notify(follows ? `Following @${creator}` : `Unfollowed @${creator}`);
    },
    [following, reporter, setFollowing, notify],
  );
  return { follows: (creator) => following.has(creator), toggle };
}
