/** Upload: an MP4 with a caption and hashtags; once stored it is live and opens on the creator's own page. */
import { useState, type FormEvent } from 'react';
import { useApp } from '../app/app-context';
import { describeError } from '../app/errors';
import { creatorPath, navigate } from '../router';

export function UploadPage() {
  const { api, notify } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const [caption, setCaption] = useState('');
  const [hashtags, setHashtags] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setSending(true);
    setError(null);
    try {
      const video = await api.upload({ file, caption, hashtags });
      notify('Your video is live');
      navigate(creatorPath(api.user, video.id));
    } catch (failure) {
      setError(describeError(failure));
      setSending(false);
    }
  };

  return (
    <div className="scroll-page">
      <header className="page-header">
        <h1>Upload a video</h1>
      </header>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <label>
          Video (MP4)
          <input type="file" name="file" accept="video/mp4" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label>
          Caption
          <input name="caption" value={caption} onChange={(e) => setCaption(e.target.value)} maxLength={2000} />
        </label>
        <label>
          Hashtags
          <input name="hashtags" value={hashtags} onChange={(e) => setHashtags(e.target.value)} placeholder="#dance #cooking" />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={!file || sending}>
          {sending ? 'Uploading…' : 'Upload'}
        </button>
      </form>
    </div>
  );
}
