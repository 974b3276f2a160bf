/** The tab bar: the two feeds, upload, the user's own creator page, settings. */
import { creatorPath, Link, type Route } from '../router';

export function NavBar({ route, user }: { route: Route; user: string }) {
  const tabs = [
    { href: '/', label: 'For you', current: route.page === 'feed' },
    { href: '/following', label: 'Following', current: route.page === 'following' },
    { href: '/upload', label: 'Upload', current: route.page === 'upload' },
    { href: creatorPath(user), label: 'Me', current: route.page === 'creator' && route.creator === user },
    { href: '/settings', label: 'Settings', current: route.page === 'settings' },
  ];
  return (
    <nav className="tabs" aria-label="Main">
      {tabs.map((tab) => (
        <Link key={tab.href} href={tab.href} className="tab" aria-current={tab.current ? 'page' : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
