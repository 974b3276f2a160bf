/** A signed-in session: the shared context, the page the route names, the tab bar and the notices. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient, type Credentials } from '../api/client';
import { CreatorPage } from '../creator/CreatorPage';
import { EventReporter } from '../events/event-reporter';
import { FeedScreen } from '../feed/FeedScreen';
import { useRoute } from '../router';
import { SettingsPage } from '../settings/SettingsPage';
import { UploadPage } from '../upload/UploadPage';
import { AppContext, type AppContextValue } from './app-context';
import { describeError, isAuthFailure } from './errors';
import { NavBar } from './NavBar';
import { Toasts, useToasts } from './Toasts';

export function Session({ credentials, onSignOut }: { credentials: Credentials; onSignOut: (message?: string) => void }) {
  const route = useRoute();
  const { toasts, notify } = useToasts();
  const [muted, setMuted] = useState(true);
  const [following, setFollowingSet] = useState<ReadonlySet<string>>(new Set());
  const api = useMemo(() => new ApiClient(credentials), [credentials]);

  const onEventError = useCallback(
    (error: unknown) => {
      if (isAuthFailure(error)) onSignOut(`Signed out: ${describeError(error)}`);
      else notify(`Could not send what you did: ${describeError(error)}`);
    },
    [notify, onSignOut],
  );
  const reporter = useMemo(() => new EventReporter(api, onEventError), [api, onEventError]);

  useEffect(() => {
    let live = true;
    api.profile().then(
      (profile) => live && setFollowingSet(new Set(profile.following ?? [])),
      // A user with no profile yet (their first visit) follows no one; a refused key ends the session.
      (error: unknown) => live && isAuthFailure(error) && onSignOut(`Signed out: ${describeError(error)}`),
    );
    return () => {
      live = false;
    };
  }, [api, onSignOut]);

  useEffect(() => {
    // Whatever is still queued leaves with the page.
    const leave = () => void reporter.flush(true);
    addEventListener('pagehide', leave);
    return () => removeEventListener('pagehide', leave);
  }, [reporter]);

  const setFollowing = useCallback((creator: string, follows: boolean) => {
    setFollowingSet((current) => {
      const next = new Set(current);
      if (follows) next.add(creator);
      else next.delete(creator);
      return next;
    });
  }, []);

  const context: AppContextValue = { api, reporter, notify, muted, setMuted, following, setFollowing, signOut: onSignOut };

  return (
    <AppContext.Provider value={context}>
      <div className="app">
        <main className="page" id="main">
          {route.page === 'feed' && <FeedScreen key="feed" tab="for-you" />}
          {route.page === 'following' && <FeedScreen key="following" tab="following" />}
          {route.page === 'upload' && <UploadPage />}
          {route.page === 'settings' && <SettingsPage />}
          {route.page === 'creator' && <CreatorPage key={route.creator} creator={route.creator} highlight={route.video} />}
        </main>
        <NavBar route={route} user={credentials.user} />
        <Toasts toasts={toasts} />
      </div>
    </AppContext.Provider>
  );
}
