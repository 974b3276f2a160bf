/**
 * The simulated world's vocabulary: topics with their hashtags, sounds and caption phrases, and the regions users
 * live in. Plain data, so that captions and hashtags read like a real catalogue in the demo app.
 */

export interface Topic {
  /** Also the topic's first hashtag and what onboarding `interests` hold. */
  name: string;
  hashtags: readonly string[];
  /** Ids of the audio tracks mostly used by this topic's videos. */
  sounds: readonly string[];
  /** Noun phrases a caption can mention, e.g. "pasta recipe". */
  subjects: readonly string[];
}

const TOPIC_DATA: ReadonlyArray<readonly [name: string, hashtags: string[], subjects: string[]]> = [
  ['cooking', ['recipe', 'foodtok', 'homecooking', 'easyrecipe'], ['pasta recipe', 'knife trick', 'one-pan dinner']],
  ['football', ['soccer', 'goals', 'skills', 'matchday'], ['free kick', 'last-minute goal', 'dribbling drill']],
  ['dance', ['dancechallenge', 'choreography', 'moves'], ['dance challenge', 'choreo', 'freestyle session']],
  ['comedy', ['funny', 'sketch', 'lol', 'prank'], ['sketch', 'prank', 'impression of my boss']],
  ['music', ['cover', 'singing', 'newmusic', 'guitar'], ['acoustic cover', 'original song', 'piano riff']],
  ['gaming', ['gamer', 'speedrun', 'gameplay', 'esports'], ['speedrun', 'boss fight', 'clutch round']],
  ['fitness', ['gym', 'workout', 'homeworkout', 'gains'], ['leg day', 'ten-minute workout', 'form check']],
  ['travel', ['traveltok', 'wanderlust', 'roadtrip'], ['hidden beach', 'city guide', 'night train']],
  ['fashion', ['ootd', 'style', 'thrift', 'outfit'], ['thrift haul', 'outfit idea', 'capsule wardrobe']],
  ['beauty', ['makeup', 'skincare', 'grwm'], ['makeup look', 'skincare routine', 'get ready with me']],
  ['pets', ['dogsoftiktok', 'catsoftiktok', 'puppy', 'cute'], ['rescue dog', 'cat zoomies', 'puppy training']],
  ['diy', ['crafts', 'homemade', 'lifehack', 'upcycle'], ['upcycled chair', 'shelf build', 'life hack']],
  ['science', ['sciencetok', 'experiment', 'physics', 'learn'], ['experiment', 'physics demo', 'space fact']],
  ['tech', ['gadgets', 'coding', 'techtok', 'setup'], ['desk setup', 'gadget review', 'coding tip']],
  ['cars', ['carsoftiktok', 'jdm', 'restoration', 'drift'], ['engine swap', 'car restoration', 'drift run']],
  ['art', ['drawing', 'painting', 'artist', 'sketchbook'], ['speed painting', 'sketchbook tour', 'portrait']],
  ['books', ['booktok', 'reading', 'bookreview'], ['book review', 'reading vlog', 'plot twist']],
  ['movies', ['film', 'cinema', 'moviereview', 'scene'], ['movie review', 'scene breakdown', 'trailer reaction']],
  ['basketball', ['nba', 'hoops', 'dunk', 'ballislife'], ['dunk', 'crossover', 'buzzer beater']],
  ['skateboarding', ['skate', 'kickflip', 'skatepark'], ['kickflip', 'skatepark line', 'rail slide']],
  ['gardening', ['plants', 'garden', 'planttok', 'growyourown'], ['tomato harvest', 'plant care tip', 'balcony garden']],
  ['parenting', ['momlife', 'dadlife', 'toddler', 'family'], ['toddler moment', 'bedtime routine', 'parenting hack']],
  ['finance', ['money', 'investing', 'budget', 'personalfinance'], ['budget plan', 'investing basics', 'savings tip']],
  ['nature', ['wildlife', 'outdoors', 'hiking', 'sunset'], ['wildlife encounter', 'mountain hike', 'sunset timelapse']],
];

export const SOUNDS_PER_TOPIC = 4;

export const TOPICS: readonly Topic[] = TOPIC_DATA.map(([name, hashtags, subjects]) => ({
  name,
  hashtags: [name, ...hashtags],
  sounds: Array.from({ length: SOUNDS_PER_TOPIC }, (_, k) => `snd-${name}-${k + 1}`),
  subjects,
}));

/** Hashtags any video may carry, whatever its topic. */
export const GENERIC_HASHTAGS: readonly string[] = ['fyp', 'foryou', 'viral'];
/** Audio tracks that cross topics, as trending sounds do. */
export const TRENDING_SOUNDS: readonly string[] = Array.from({ length: 6 }, (_, k) => `snd-trend-${k + 1}`);

/** Caption sentences; `{s}` is one of the topic's subjects, `{t}` its name. */
export const CAPTION_TEMPLATES: readonly string[] = [
  "You won't believe this {s}",
  'Day {n} of posting {t} until it blows up',
  'POV: your first {s}',
  'The {s} nobody told you about',
  'Rating this {s} out of ten',
  'Is this the best {s} of the year?',
  'Trying a {s} for the first time',
  'My favourite {t} moment this week',
  'Wait for the end of this {s}',
  'Quick {t} tip: the {s}',
];

export interface Region {
  code: string;
  language: string;
  /** Share of users living there. */
  weight: number;
}

export const REGIONS: readonly Region[] = [
  { code: 'US', language: 'en', weight: 0.3 },
  { code: 'BR', language: 'pt', weight: 0.18 },
  { code: 'DE', language: 'de', weight: 0.14 },
  { code: 'FR', language: 'fr', weight: 0.12 },
  { code: 'JP', language: 'ja', weight: 0.1 },
  { code: 'GB', language: 'en', weight: 0.08 },
  { code: 'MX', language: 'es', weight: 0.08 },
];

/** Distinct languages, indexed the way the world's typed arrays store them. */
export const LANGUAGES: readonly string[] = [...new Set(REGIONS.map((region) => region.language))];
