/** Follow or unfollow a creator from their page. */
import { useFollow } from './useFollow';

export function FollowButton({ creator }: { creator: string }) {
  const follow = useFollow();
  const follows = follow.follows(creator);
  return (
    <button type="button" className={follows ? '' : 'primary'} aria-pressed={follows} onClick={() => follow.toggle(creator)}>
      {follows ? 'Following' : 'Follow'}
    </button>
  );
}
