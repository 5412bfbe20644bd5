// Handlers are plain functions: a test calls them. (What a client sends is
// validated by the server that `covet build` generates, before a handler runs.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from 'covet';
import { createNote, getNote, listNotes } from './notes.ts';

test('a note that was added can be read back by its id', () => {
  const note = createNote({ text: 'buy milk' });
  assert.deepEqual(getNote(note.id), note);
});

test('the list is newest first', () => {
  createNote({ text: 'call Ada' });
  assert.deepEqual(listNotes(2).map((n) => n.text), ['call Ada', 'buy milk']);
});

test('a note that does not exist is a 404', () => {
  assert.throws(() => getNote(999), (err) => err instanceof HttpError && err.status === 404);
});
