/** What every screen of a signed-in session shares: the API client, the event reporter, notices, sound on/off. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client';
import type { EventReporter } from '../events/event-reporter';

export interface AppContextValue {
  api: ApiClient;
  reporter: EventReporter;
  /** A short message for the user (shown as a toast, read out by screen readers). */
  notify: (message: string) => void;
  /** Videos start muted; the first tap on a video turns the sound on for the session. */
  muted: boolean;
  setMuted: (muted: boolean) => void;
  /** Creators the user follows, as the server reported at sign-in and as changed since. */
  following: ReadonlySet<string>;
  setFollowing: (creator: string, follows: boolean) => void;
  /** After the account is deleted: the session ends. */
  signOut: (message?: string) => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside a signed-in session');
  return value;
}
