// The hand-written check of the POST /orders body (the `post-10k` scenario), shared by the peers
// that have no validation library of their own (node:http, uWebSockets.js, Bun). The rules, the
// same in every peer (Covet's bench/apps/covet/orders.ts is their statement in types):
//   customer  {id: integer ≥ 1, name: 1..100 characters, email}
//   currency  'EUR' | 'USD' | 'GBP'
//   shipping  {street: 1..200, city: 1..100, zip: 1..20, country: exactly 2 characters}
//   lines     1..100 of {sku: /^[A-Z]{2}-[0-9]{6}$/, name: 1..200, quantity: integer 1..1000,
//             price: number ≥ 0, giftWrap: boolean, note: at most 200 characters}
// Returns the problems as [path, message] pairs (empty when valid), every one of them.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SKU = /^[A-Z]{2}-[0-9]{6}$/;
const CURRENCIES = new Set(['EUR', 'USD', 'GBP']);

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v, min, max) => typeof v === 'string' && v.length >= min && v.length <= max;

function checkLine(l, at, errors) {
  if (!isObject(l)) return errors.push([at, 'must be an object']);
  if (typeof l.sku !== 'string' || !SKU.test(l.sku)) errors.push([`${at}.sku`, 'must match ^[A-Z]{2}-[0-9]{6}$']);
  if (!text(l.name, 1, 200)) errors.push([`${at}.name`, 'must be a string of 1 to 200 characters']);
  if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > 1000) errors.push([`${at}.quantity`, 'must be an integer from 1 to 1000']);
  if (typeof l.price !== 'number' || !(l.price >= 0)) errors.push([`${at}.price`, 'must be a number ≥ 0']);
  if (typeof l.giftWrap !== 'boolean') errors.push([`${at}.giftWrap`, 'must be a boolean']);
  if (!text(l.note, 0, 200)) errors.push([`${at}.note`, 'must be a string of at most 200 characters']);
}

export function checkOrder(b) {
  const errors = [];
  if (!isObject(b)) return [['', 'must be an object']];
  const { customer: c, currency, shipping: s, lines } = b;
  if (!isObject(c)) errors.push(['customer', 'must be an object']);
  else {
    if (!Number.isInteger(c.id) || c.id < 1) errors.push(['customer.id', 'must be an integer ≥ 1']);
    if (!text(c.name, 1, 100)) errors.push(['customer.name', 'must be a string of 1 to 100 characters']);
    if (typeof c.email !== 'string' || !EMAIL.test(c.email)) errors.push(['customer.email', 'must be an email address']);
  }
  if (!CURRENCIES.has(currency)) errors.push(['currency', "must be 'EUR', 'USD' or 'GBP'"]);
  if (!isObject(s)) errors.push(['shipping', 'must be an object']);
  else {
    if (!text(s.street, 1, 200)) errors.push(['shipping.street', 'must be a string of 1 to 200 characters']);
    if (!text(s.city, 1, 100)) errors.push(['shipping.city', 'must be a string of 1 to 100 characters']);
    if (!text(s.zip, 1, 20)) errors.push(['shipping.zip', 'must be a string of 1 to 20 characters']);
    if (!text(s.country, 2, 2)) errors.push(['shipping.country', 'must be a string of 2 characters']);
  }
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 100) errors.push(['lines', 'must be an array of 1 to 100 lines']);
  else for (let i = 0; i < lines.length; i++) checkLine(lines[i], `lines.${i}`, errors);
  return errors;
}
