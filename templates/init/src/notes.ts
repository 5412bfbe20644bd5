/**
 * An example module: three routes over a list of notes kept in memory.
 *
 * `covet build` reads these signatures with the TypeScript checker: `id` is a
 * path parameter, `limit` a query parameter, `body` the JSON body. The server
 * it generates validates each of them before the handler runs and answers
 * 422, with every problem listed, when they are wrong.
 */
import { HttpError, type Int, type Max, type MaxLength, type Min, type MinLength } from 'covet';

export interface Note {
  id: number & Int;
  text: string & MinLength<1> & MaxLength<280>;
}

export type NewNote = Omit<Note, 'id'>;

const notes: Note[] = [];

/**
 * Add a note.
 * @route POST /notes
 * @status 201
 */
export function createNote(body: NewNote): Note {
  const note: Note = { id: notes.length + 1, text: body.text };
  notes.push(note);
  return note;
}

/**
 * Read one note.
 * @route GET /notes/:id
 */
export function getNote(id: number & Int): Note {
  const note = notes.find((n) => n.id === id);
  if (!note) throw new HttpError(404, `note ${id} not found`);
  return note;
}

/**
 * The latest notes, newest first.
 * @route GET /notes
 */
export function listNotes(limit: number & Int & Min<1> & Max<100> = 20): Note[] {
  return notes.slice(-limit).reverse();
}
