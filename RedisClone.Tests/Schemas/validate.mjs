// Validates a JSON document against a JSON Schema (draft-07) with ajv.
// Usage: node validate.mjs <schema.json> <document.json>
// Exit 0 and "valid" when it passes; exit 1 and one line per error when it does not; exit 2 on bad usage or input.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const [schemaPath, documentPath] = process.argv.slice(2);
if (!schemaPath || !documentPath) {
  console.error("usage: node validate.mjs <schema.json> <document.json>");
  process.exit(2);
}
let schema, document;
try {
  schema = JSON.parse(readFileSync(schemaPath, "utf8"));
  document = JSON.parse(readFileSync(documentPath, "utf8"));
} catch (error) {
  console.error(`cannot read input: ${error.message}`);
  process.exit(2);
}
const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(schema);
if (validate(document)) {
  console.log("valid");
  process.exit(0);
}
for (const error of validate.errors) {
  console.log(`${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`);
}
process.exit(1);
