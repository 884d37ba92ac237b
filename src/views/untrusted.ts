/**
 * Text a user typed (or a link carried) can hold Unicode bidi controls, which
 * reorder the text around them on screen: a caption quoting
 * `insmod <U+202E>oko.txt` would read backwards. Everywhere such text is shown
 * the controls are replaced by their visible name, as `cat -v` makes control
 * characters visible; nothing else is changed.
 */
/** The Unicode bidi controls (ALM, LRM, RLM, the embeddings, overrides and isolates). */
export const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function showBidi(s: string): string {
  return s.replace(BIDI, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}
