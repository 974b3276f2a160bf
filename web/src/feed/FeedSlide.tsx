/** One screen of the feed: the video (or a placeholder when far from view), its info, and the actions when on screen. */
import type { ReactNode } from 'react';
import type { FeedItem } from '../api/types';
import { useApp } from '../app/app-context';
import type { WatchClock } from '../events/watch-clock';
import { VideoInfo } from './VideoInfo';
import { VideoPlayer } from './VideoPlayer';

export interface FeedSlideProps {
  item: FeedItem;
  index: number;
  /** On screen (whether or not a sheet covers it). */
  current: boolean;
  /** Playing: on screen and not covered. */
  active: boolean;
  /** Within a screen or two of the current one: worth a player. */
  near: boolean;
  preload: boolean;
  clock: WatchClock;
  children?: ReactNode;
}

export function FeedSlide({ item, index, current, active, near, preload, clock, children }: FeedSlideProps) {
  const { muted, setMuted } = useApp();
  const { video } = item;
  return (
    <section
      className="slide"
      aria-label={`Video ${index + 1}: ${video.caption || video.id}`}
      aria-current={current ? 'true' : undefined}
      data-video-id={video.id}
      data-creator={video.creator}
    >
      {near ? (
        <VideoPlayer video={video} active={active} preload={preload} muted={muted} clock={clock} onTap={() => setMuted(!muted)} />
      ) : (
        <div className="video placeholder" aria-hidden="true" />
      )}
      {current && muted && video.mediaUrl && (
        <button type="button" className="unmute" onClick={() => setMuted(false)}>
          Tap for sound
        </button>
      )}
      <VideoInfo item={item} />
      {current && children}
    </section>
  );
}
