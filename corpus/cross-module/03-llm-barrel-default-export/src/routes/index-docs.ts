import * as lib from '../lib/index.js';

export interface Chunk {
  docId: string;
  text: string;
}

export async function embedChunks(chunks: Chunk[]): Promise<Array<Chunk & { vector: number[] }>> {
  const out: Array<Chunk & { vector: number[] }> = [];
  for (let i = 0; i < chunks.length; i += 64) {
    const batch = chunks.slice(i, i + 64);
    const res = await lib.openai.embeddings.create({
      model: 'text-embedding-3-large',
      input: batch.map((c) => c.text),
      dimensions: 1024,
    });
    res.data.forEach((d, j) => out.push({ ...batch[j]!, vector: d.embedding }));
  }
  return out;
}
