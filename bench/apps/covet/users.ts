import type { Email, Header, Int, Max, MaxLength, Min, MinLength } from 'covet';

export interface UserView {
  id: number & Int;
  name: string;
  fields: string;
}

/**
 * A user built from an integer path parameter and a query parameter.
 * @route GET /users/:id
 */
export function getUser(id: number & Int, fields: string = ''): UserView {
  return { id, name: `User ${id}`, fields };
}

export interface Address {
  city: string;
  zip: string;
}

type Role = 'admin' | 'editor' | 'viewer';

export interface NewUser {
  name: string & MinLength<1> & MaxLength<50>;
  email: string & Email;
  age: number & Int & Min<0> & Max<150>;
  active: boolean;
  role: Role;
  tags: string[];
  address: Address;
}

/** The answer: the id first, the body's fields, then what came from the query and the header. */
export interface CreatedUser {
  id: number & Int;
  name: string;
  email: string;
  age: number & Int;
  active: boolean;
  role: Role;
  tags: string[];
  address: Address;
  notify: boolean;
  client: string;
}

/**
 * Validates the body and echoes it with an id.
 * @route POST /users
 * @status 201
 */
export function createUser(body: NewUser, client: Header<string, 'x-client'>, notify: boolean = false): CreatedUser {
  return { id: 1, ...body, notify, client };
}
