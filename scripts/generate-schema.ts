// Writes schema/images.schema.json from the zod schema, so the checked-in JSON Schema can never drift
// from what pinyard accepts (a unit test compares the two).
import { writeFileSync } from 'node:fs';
import { manifestJsonSchema } from '../src/manifest/json-schema.js';

writeFileSync(new URL('../schema/images.schema.json', import.meta.url), manifestJsonSchema());
