const WORDS = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit'];

/** Deterministic filler text for empty notebook cells. */
export function generateText(wordCount: number, seed = 7): string {
  const out: string[] = [];
  let x = seed;
  for (let i = 0; i < wordCount; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(' ');
}
