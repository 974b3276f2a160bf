/** A small history router: the server serves the app at each of these paths, so links can be shared. */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export type Route =
  | { page: 'feed' }
  | { page: 'following' }
  | { page: 'upload' }
  | { page: 'settings' }
  | { page: 'creator'; creator: string; video: string | null };

export function parseRoute(location: Location): Route {
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'following':
      return { page: 'following' };
    case 'upload':
      return { page: 'upload' };
    case 'settings':
      return { page: 'settings' };
    case 'creator':
      if (parts[1]) return { page: 'creator', creator: parts[1], video: new URLSearchParams(location.search).get('v') };
      return { page: 'feed' };
    default:
      return { page: 'feed' };
  }
}

export function creatorPath(creator: string, video?: string): string {
  return `/creator/${encodeURIComponent(creator)}${video ? `?v=${encodeURIComponent(video)}` : ''}`;
}

const listeners = new Set<() => void>();

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location));
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** An anchor that navigates inside the app (a modified click still opens a new tab). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}
