// Validates an OpenAPI document (a file path) against the official OpenAPI 3.x JSON Schema.
// Prints {"valid": true} or {"valid": false, "errors": [...]}. Usage: node validate-openapi.mjs <file>
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const validator = new Validator();
const result = await validator.validate(JSON.parse(readFileSync(process.argv[2], "utf8")));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }));
