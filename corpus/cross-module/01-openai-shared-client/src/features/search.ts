import { openai, EMBEDDING_MODEL } from '../clients.js';

export interface Article {
  id: string;
  title: string;
  vector: number[];
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

export async function findArticles(question: string, index: Article[], k = 3): Promise<Article[]> {
  const res = await openai.embeddings.create({ model: EMBEDDING_MODEL, input: question });
  const query = res.data[0]!.embedding;
  const scored: Array<[number, Article]> = [];
  for (const article of index) {
    scored.push([cosine(query, article.vector), article]);
  }
  return scored.sort((x, y) => y[0] - x[0]).slice(0, k).map(([, a]) => a);
}
