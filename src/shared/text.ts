/** True when a text says something in words or numbers (not only emoji, symbols or punctuation). */
export function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** True when a name has at least `min` letters (not only emoji, digits or symbols). */
export function hasLetters(text: string, min = 2): boolean {
  return (text.match(/\p{L}/gu)?.length ?? 0) >= min;
}
