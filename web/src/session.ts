/**
 * Who the app acts as. In demo mode the server injects the demo user and their key into the page; otherwise the
 * visitor signs in by pasting a user id and a key of that user, kept in this browser's storage until sign-out.
 */
import type { Credentials } from './api/client';

const STORAGE_KEY = 'foryou.credentials';

interface InjectedConfig {
  user?: string | null;
  key?: string | null;
}

function injected(): InjectedConfig {
  const text = document.getElementById('foryou-config')?.textContent ?? '';
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as InjectedConfig) : {};
  } catch {
    return {}; // The page was not served by `foryou serve` (e.g. the Vite dev server): sign in by hand.
  }
}

function stored(): Credentials | null {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Credentials> | null;
    return value && typeof value.user === 'string' && typeof value.key === 'string' ? { user: value.user, key: value.key } : null;
  } catch {
    return null;
  }
}

/** Pasted credentials win over the injected demo ones, so one can try another user on a demo server. */
export function initialCredentials(): Credentials | null {
  const config = injected();
  return stored() ?? (config.user && config.key ? { user: config.user, key: config.key } : null);
}

/** The user id to suggest on the sign-in form. */
export function suggestedUser(): string {
  return injected().user ?? '';
}

export function remember(credentials: Credentials): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function forget(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** Whether these are the server's injected credentials (signing out of them would sign straight back in). */
export function isInjected(credentials: Credentials): boolean {
  const config = injected();
  return config.user === credentials.user && config.key === credentials.key;
}
