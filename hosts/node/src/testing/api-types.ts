/**
 * Types of response bodies from openapi.yaml, through the types that openapi-typescript generated
 * (api/openapi-types.ts), so that tsc checks the members route tests read.
 */
import * as assert from "uvu/assert";
import type { components, operations } from "../api/openapi-types.ts";
import type { TestResponse } from "./app.ts";

export type Schemas = components["schemas"];

type Responses<Operation extends keyof operations> = operations[Operation]["responses"];

/** The body of an operation's response with the given status, for its first documented media type. */
export type ResponseBody<Operation extends keyof operations, Status extends keyof Responses<Operation>> = Responses<Operation>[Status] extends { content: infer Content }
  ? Content[keyof Content]
  : never;

/** Asserts the status and returns the body typed as openapi.yaml documents it. */
export function bodyOf<Operation extends keyof operations, Status extends keyof Responses<Operation> & number>(response: TestResponse, _operation: Operation, status: Status): ResponseBody<Operation, Status> {
  assert.is(response.status, status, JSON.stringify(response.body));
  return response.body as ResponseBody<Operation, Status>;
}
