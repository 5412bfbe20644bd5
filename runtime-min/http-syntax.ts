/**
 * HTTP/1.1 syntax that Covet checks itself, beyond what llhttp does, written once for
 * JavaScript. The native engine states the same rules in C; the conformance cases
 * (runtime-min/conformance/cases/host.md) hold both to them.
 */

const PERCENT = 0x25;
const DOT = 0x2e;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isAlpha = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
/** unreserved / sub-delims (RFC 3986 §2.2, §2.3): `A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , ; =`. */
const isUnreservedOrSubDelim = (c: number) =>
  isAlpha(c) || isDigit(c) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x21 || c === 0x24 || (c >= 0x26 && c <= 0x2c) || c === 0x3b || c === 0x3d;

/**
 * Whether `value` is a valid Host header field value (RFC 9112 §3.2): `uri-host [ ":" port ]`,
 * with uri-host and port as in RFC 3986 §3.2.2 and §3.2.3:
 * - uri-host is an IP-literal, `[` IPv6address or IPvFuture `]`, or a reg-name: any run of
 *   unreserved characters, sub-delims and `%HH` escapes (which also covers IPv4 addresses and
 *   the empty host);
 * - port is any run of digits, possibly empty.
 * So the empty value (what a client sends for a target without authority) is valid, and so
 * is `example.com:`; `a b`, `user@x`, `x:abc`, `x:80:80`, `[::1` and a bare `::1` are not.
 */
export function isValidHost(value: string): boolean {
  const n = value.length;
  let i = 0;
  if (n > 0 && value.charCodeAt(0) === OPEN_BRACKET) {
    const close = value.indexOf(']');
    if (close === -1 || !isIpLiteral(value.slice(1, close))) return false;
    i = close + 1;
  } else {
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c === COLON) break;
      if (c === PERCENT) {
        if (!isHex(value.charCodeAt(i + 1)) || !isHex(value.charCodeAt(i + 2))) return false;
        i += 2;
      } else if (!isUnreservedOrSubDelim(c)) return false;
    }
  }
  if (i === n) return true;
  if (value.charCodeAt(i) !== COLON) return false;
  for (i++; i < n; i++) if (!isDigit(value.charCodeAt(i))) return false;
  return true;
}

/** What is between the brackets of an IP-literal: IPv6address / IPvFuture (RFC 3986 §3.2.2). */
function isIpLiteral(s: string): boolean {
  const c0 = s.charCodeAt(0);
  return c0 === 0x76 || c0 === 0x56 /* v V */ ? isIpvFuture(s) : isIpv6(s);
}

/** `"v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )`. */
function isIpvFuture(s: string): boolean {
  let i = 1;
  while (i < s.length && isHex(s.charCodeAt(i))) i++;
  if (i === 1 || s.charCodeAt(i) !== DOT || i + 1 === s.length) return false;
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== COLON && !isUnreservedOrSubDelim(c)) return false;
  }
  return true;
}

/**
 * RFC 3986's IPv6address: eight groups of 1 to 4 hex digits separated by `:`, where one `::`
 * may stand for one or more groups of zeros (then at most seven are written), and the last
 * two groups may be written as an IPv4 address. No zone identifier (`%25eth0`).
 */
function isIpv6(s: string): boolean {
  const gap = s.indexOf('::');
  if (gap !== -1 && s.indexOf('::', gap + 1) !== -1) return false;
  const pieces = (text: string) => (text === '' ? [] : text.split(':'));
  const groups = gap === -1 ? pieces(s) : [...pieces(s.slice(0, gap)), ...pieces(s.slice(gap + 2))];
  // The IPv4 form is for the last group of the text, never for one before `::`.
  const v4At = gap === -1 || gap + 2 < s.length ? groups.length - 1 : -1;
  let count = 0;
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k]!;
    if (k === v4At && g.includes('.')) {
      if (!isIpv4(g)) return false;
      count += 2;
    } else {
      if (g.length < 1 || g.length > 4) return false;
      for (let j = 0; j < g.length; j++) if (!isHex(g.charCodeAt(j))) return false;
      count += 1;
    }
  }
  return gap === -1 ? count === 8 : count <= 7;
}

/** Four dec-octets (`0` to `255`, no leading zero) separated by dots. */
function isIpv4(s: string): boolean {
  const octets = s.split('.');
  if (octets.length !== 4) return false;
  for (const o of octets) {
    if (o.length < 1 || o.length > 3 || (o.length > 1 && o.charCodeAt(0) === 0x30)) return false;
    for (let j = 0; j < o.length; j++) if (!isDigit(o.charCodeAt(j))) return false;
    if (Number(o) > 255) return false;
  }
  return true;
}
