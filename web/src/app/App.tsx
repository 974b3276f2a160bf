/** The app: sign-in when no key is known, else the signed-in session. */
import { useState } from 'react';
import type { Credentials } from '../api/client';
import { navigate } from '../router';
import { SignIn } from '../signin/SignIn';
import { forget, initialCredentials, isInjected, remember } from '../session';
import { Session } from './Session';

export function App() {
  const [credentials, setCredentials] = useState<Credentials | null>(initialCredentials);
  const [farewell, setFarewell] = useState<string | null>(null);

  const signIn = (next: Credentials) => {
    if (!isInjected(next)) remember(next);
    // A new session starts on its feed, wherever the previous one ended.
    navigate('/');
    setFarewell(null);
    setCredentials(next);
  };
  const signOut = (message?: string) => {
    forget();
    setFarewell(message ?? null);
    setCredentials(null);
  };

  if (!credentials) return <SignIn notice={farewell} onSignIn={signIn} />;
  return <Session key={`${credentials.user}\n${credentials.key}`} credentials={credentials} onSignOut={signOut} />;
}
