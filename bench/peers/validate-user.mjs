// The hand-written check of the POST body, shared by the peers that have no
// validation library of their own (node:http, uWebSockets.js; bun has its own copy).
// Returns the problems as [path, message] pairs (empty when valid).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLES = new Set(['admin', 'editor', 'viewer']);

export function checkNewUser(b) {
  const errors = [];
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return [['', 'must be an object']];
  const { name, email, age, active, role, tags, address } = b;
  if (typeof name !== 'string' || name.length < 1 || name.length > 50) errors.push(['name', 'must be a string of 1 to 50 characters']);
  if (typeof email !== 'string' || !EMAIL.test(email)) errors.push(['email', 'must be an email address']);
  if (!Number.isInteger(age) || age < 0 || age > 150) errors.push(['age', 'must be an integer from 0 to 150']);
  if (typeof active !== 'boolean') errors.push(['active', 'must be a boolean']);
  if (!ROLES.has(role)) errors.push(['role', "must be 'admin', 'editor' or 'viewer'"]);
  if (!Array.isArray(tags)) errors.push(['tags', 'must be an array of strings']);
  else for (let i = 0; i < tags.length; i++) if (typeof tags[i] !== 'string') errors.push([`tags.${i}`, 'must be a string']);
  if (typeof address !== 'object' || address === null || Array.isArray(address)) errors.push(['address', 'must be an object']);
  else {
    if (typeof address.city !== 'string') errors.push(['address.city', 'must be a string']);
    if (typeof address.zip !== 'string') errors.push(['address.zip', 'must be a string']);
  }
  return errors;
}

/** The 201 answer, properties in the one order every peer uses. */
export function created(b, notify, client) {
  return {
    id: 1,
    name: b.name,
    email: b.email,
    age: b.age,
    active: b.active,
    role: b.role,
    tags: b.tags,
    address: { city: b.address.city, zip: b.address.zip },
    notify,
    client,
  };
}

export const errorBody = (errors) =>
  JSON.stringify({ detail: errors.map(([loc, msg]) => ({ loc: loc ? ['body', ...loc.split('.')] : ['body'], msg })) });
