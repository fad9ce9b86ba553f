/** True when a text says something in words or numbers (not only emoji, symbols or punctuation). */
export function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
