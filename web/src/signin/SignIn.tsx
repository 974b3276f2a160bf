/** Sign-in with a user id and a key of that user (`foryou keys create --role user --user ID`). */
import { useState, type FormEvent } from 'react';
import type { Credentials } from '../api/client';
import { suggestedUser } from '../session';

export function SignIn({ notice, onSignIn }: { notice: string | null; onSignIn: (credentials: Credentials) => void }) {
  const [user, setUser] = useState(suggestedUser);
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (user.trim() && key.trim()) onSignIn({ user: user.trim(), key: key.trim() });
  };
  return (
    <main className="page signin">
      <h1>foryou</h1>
      {notice && <p className="notice">{notice}</p>}
      <p>Sign in with your user id and your key. An operator creates one with <code>foryou keys create --role user --user ID</code>.</p>
      <form onSubmit={submit} className="form">
        <label>
          User id
          <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" required maxLength={128} />
        </label>
        <label>
          Key
          <input value={key} onChange={(e) => setKey(e.target.value)} type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
