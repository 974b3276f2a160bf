/** Settings: the personalised feed on or off, reset recommendations, export my data, delete my account. */
import { useEffect, useState } from 'react';
import { useApp } from '../app/app-context';
import { describeError } from '../app/errors';
import { ConfirmButton } from './ConfirmButton';
import { downloadText } from './download';

export function SettingsPage() {
  const { api, reporter, notify, signOut } = useApp();
  const [personalized, setPersonalized] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.profile().then(
      (profile) => live && setPersonalized(profile.settings.personalized),
      // A user with no profile yet has the default settings.
      () => live && setPersonalized(true),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (failure) {
      notify(describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  const togglePersonalized = () =>
    run(async () => {
      const user = await api.setPersonalized(!personalized);
      setPersonalized(user.settings.personalized);
      notify(user.settings.personalized ? 'Your feed is personalised' : 'Your feed no longer uses your history');
    });

  const reset = () =>
    run(async () => {
      await reporter.flush();
      await api.resetRecommendations();
      notify('Your recommendations start afresh');
    });

  const exportData = () =>
    run(async () => {
      await reporter.flush();
      downloadText(await api.exportData(), `foryou-${api.user}.json`, 'application/json');
    });

  const deleteAccount = () =>
    run(async () => {
      await reporter.flush();
      await api.deleteAccount();
      signOut(`The account "${api.user}" and its data were deleted.`);
    });

  return (
    <div className="scroll-page settings">
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <p className="muted">Signed in as @{api.user}</p>

      <section className="setting">
        <h2 id="personalized-label">Personalised feed</h2>
        <p id="personalized-help">
          On: “For you” is chosen from what you watch and like. Off: popular videos in your region and new ones, nothing of
          your history.
        </p>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            aria-labelledby="personalized-label"
            aria-describedby="personalized-help"
            checked={personalized ?? true}
            disabled={personalized === null || busy}
            onChange={() => void togglePersonalized()}
          />
          <span>{personalized === false ? 'Off' : 'On'}</span>
        </label>
      </section>

      <section className="setting">
        <h2>Reset my recommendations</h2>
        <p>Forget what the feed learned from your history. Whom you follow and block stays.</p>
        <ConfirmButton label="Reset recommendations" confirm="Yes, reset" disabled={busy} onConfirm={() => void reset()} />
      </section>

      <section className="setting">
        <h2>Export my data</h2>
        <p>Download everything held about you, as JSON.</p>
        <button type="button" disabled={busy} onClick={() => void exportData()}>
          Export my data
        </button>
      </section>

      <section className="setting danger">
        <h2>Delete my account</h2>
        <p>Erases your profile, everything you did, and your uploads. This cannot be undone.</p>
        <ConfirmButton label="Delete my account" confirm="Yes, delete everything" danger disabled={busy} onConfirm={() => void deleteAccount()} />
      </section>

      <p>
        <button type="button" className="link" onClick={() => signOut()}>
          Sign out
        </button>
      </p>
    </div>
  );
}
