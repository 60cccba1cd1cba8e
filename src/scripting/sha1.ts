/** SHA1 as Redis names scripts: 40 lower-case hex characters of the body's bytes. */
import { createHash } from 'node:crypto';

/** The SHA1 of a string's UTF-8 bytes or of a Buffer, in lower-case hex. */
export function sha1hex(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}
