/**
 * One video of the feed. The active one plays (muted until the user turns the sound on) and loops; the next one
 * preloads; the others hold only their poster. The watch clock runs while the video really plays. A video without
 * a media file shows its caption card, and the clock runs while it is on screen.
 */
import { useEffect, useRef } from 'react';
import type { Video } from '../api/types';
import type { WatchClock } from '../events/watch-clock';

export interface VideoPlayerProps {
  video: Video;
  active: boolean;
  preload: boolean;
  muted: boolean;
  clock: WatchClock;
  onTap: () => void;
}

export function VideoPlayer({ video, active, preload, muted, clock, onTap }: VideoPlayerProps) {
  const element = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const media = element.current;
    if (!media) {
      // No file to play: being on screen is the watching.
      if (!active) return;
      clock.start();
      return () => clock.stop();
    }
    if (!active) {
      media.pause();
      return;
    }
    // Rejected when the browser refuses autoplay or the video is paused at once: the clock only counts 'playing'.
    media.play().catch(() => undefined);
    return () => {
      media.pause();
      clock.stop();
    };
  }, [active, clock]);

  useEffect(() => {
    // Set on the element itself: the attribute alone does not unmute a playing video.
    if (element.current) element.current.muted = muted;
  }, [muted]);

  if (!video.mediaUrl) {
    return (
      <button type="button" className="video video-card" onClick={onTap} aria-label={`Video ${video.caption || video.id}`}>
        <span>{video.caption || video.id}</span>
      </button>
    );
  }
  return (
    <video
      ref={element}
      className="video"
      src={video.mediaUrl}
      poster={video.thumbnailUrl}
      muted={muted}
      loop
      playsInline
      // Without a thumbnail (an upload on a server with no maintained ffmpeg), the first frame stands in for one.
      preload={active || preload ? 'auto' : video.thumbnailUrl ? 'none' : 'metadata'}
      onPlaying={() => active && clock.start()}
      onPause={() => clock.stop()}
      onWaiting={() => clock.stop()}
      onClick={onTap}
      aria-label={`Video: ${video.caption || video.id}`}
      data-video-id={video.id}
    />
  );
}
