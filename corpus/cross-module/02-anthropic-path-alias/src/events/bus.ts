import { EventEmitter } from 'node:events';

export type NoteEvents = {
  token: [noteId: string, text: string];
  done: [noteId: string];
};

export const bus = new EventEmitter<NoteEvents>();
