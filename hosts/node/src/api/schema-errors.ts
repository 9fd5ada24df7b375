/**
 * Turns the first Ajv error of a failed validation into the field name and detail of a
 * VALIDATION_FAILED problem. Field names follow the handlers' own checks: members joined with
 * ".", array items as "[index]" (`entries[0].kind`, `home_base.port`).
 */
import type { ErrorObject } from "ajv";

/** Converts a JSON pointer such as /entries/0/kind into entries[0].kind; `root` names the empty pointer. */
export function fieldOfPointer(instancePath: string, root: string): string {
  const tokens = instancePath
    .split("/")
    .slice(1)
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
  let field = "";
  for (const token of tokens) {
    if (/^(0|[1-9][0-9]*)$/.test(token)) field += `[${token}]`;
    else field += field ? `.${token}` : token;
  }
  return field || root;
}

function child(parent: string, member: string, root: string): string {
  return parent === root ? member : `${parent}.${member}`;
}

/** The field and detail of the first error; `root` is the name used for the whole value ("body"). */
export function describeSchemaError(errors: ErrorObject[] | null | undefined, root: string): { field: string; detail: string } {
  const error = errors?.[0];
  if (!error) return { field: root, detail: `${root} does not match the API description` };

  const at = fieldOfPointer(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const field = child(at, String(params.missingProperty), root);
      return { field, detail: `${field} is missing` };
    }
    case "additionalProperties": {
      const field = child(at, String(params.additionalProperty), root);
      return { field, detail: `${field} is not a known field` };
    }
    case "discriminator": {
      const field = child(at, String(params.tag), root);
      return { field, detail: `${field} ${JSON.stringify(params.tagValue)} selects no known kind of ${at}` };
    }
    case "enum":
      return { field: at, detail: `${at} must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}` };
    default:
      return { field: at, detail: `${at} ${error.message ?? "is invalid"}` };
  }
}
