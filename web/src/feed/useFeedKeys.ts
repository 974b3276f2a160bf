/** Keyboard control of the feed: arrows, Page Up/Down, j/k to move; m to toggle sound; l to like. */
import { useEffect } from 'react';

export interface FeedKeyActions {
  next: () => void;
  previous: () => void;
  toggleSound: () => void;
  like: () => void;
}

export function useFeedKeys(actions: FeedKeyActions, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [role="dialog"]')) return;
      const action = {
        ArrowDown: actions.next,
        PageDown: actions.next,
        j: actions.next,
        ArrowUp: actions.previous,
        PageUp: actions.previous,
        k: actions.previous,
        m: actions.toggleSound,
        l: actions.like,
      }[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [actions, enabled]);
}
