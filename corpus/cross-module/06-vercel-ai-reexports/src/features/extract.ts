import * as ai from 'ai';
import { z } from 'zod';
import { models } from '@/lib/models';

const TaskList = z.object({
  tasks: z.array(
    z.object({
      title: z.string(),
      due: z.string().nullable(),
      owner: z.string().nullable(),
    }),
  ),
});

export type TaskList = z.infer<typeof TaskList>;

export async function extractTasks(notes: string): Promise<TaskList> {
  const { object } = await ai.generateObject({
    model: models.fast,
    schema: TaskList,
    prompt: `Extract action items from these meeting notes:\n${notes}`,
  });
  return object;
}
