import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod for every schema of pinyard: its mini API (functions instead of methods, the same checks and
 * messages as the classic API), whose schemas cost far less to load and to build at every start than the
 * classic API's, which stays out of the CLI bundle. The mini API configures no locale of its own (its
 * default text is a bare "Invalid input"); the classic API used to set English on import, so it is set
 * here, once, for every schema: a registry answer's problem is still said as "expected string, received
 * number". Import it as a namespace (`import * as z`), so the bundle keeps only the functions used.
 */
config(en());

export * from 'zod/mini';
