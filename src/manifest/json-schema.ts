import * as z from '../zod.js';
import { Manifest } from './schema.js';

/** The JSON Schema of images.yml (for editors: `# yaml-language-server: $schema=…`), as stable text. */
export function manifestJsonSchema(): string {
  const schema = z.toJSONSchema(Manifest, { io: 'input', target: 'draft-2020-12' });
  // Top-level `x-…` keys are ignored by pinyard (a place for YAML anchors): editors must accept them too.
  const extensions = { patternProperties: { '^x-': {} } };
  return `${JSON.stringify({ ...schema, ...extensions, title: 'pinyard images.yml' }, null, 2)}\n`;
}
