import type { PlainText } from 'covet';

/**
 * TechEmpower plaintext.
 * @route GET /plaintext
 */
export function plaintext(): PlainText {
  return 'Hello, World!';
}

export interface Message {
  message: string;
}

/**
 * TechEmpower JSON serialization.
 * @route GET /json
 */
export function json(): Message {
  return { message: 'Hello, World!' };
}
