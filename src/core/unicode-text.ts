/**
 * Well-formed Unicode. A JavaScript string may hold a lone surrogate (`"\ud800"` is valid JSON); stored as UTF-8 it
 * becomes bytes that are no text, which no URL can name and which read back as another id after a restart. Every id
 * and every text the API takes is checked with this.
 */

/** A lone surrogate code unit: the `u` flag reads a proper pair as one code point, which is not in Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** String.prototype.isWellFormed, which the typings of Node 20's lib (ES2022) lack. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

export const ILL_FORMED_TEXT_MESSAGE = 'is not valid Unicode text (a lone surrogate such as \\ud800)';
