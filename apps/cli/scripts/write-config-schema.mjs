// Writes config.schema.json from the built CLI's zod schema (src/config-schema.ts); a test
// checks the committed file is current. Run after a build: npm run schema.
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../dist/config-schema.js";

const target = new URL("../config.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
