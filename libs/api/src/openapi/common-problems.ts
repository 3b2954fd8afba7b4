import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import { problemResponse } from './api-contract.decorators';

/**
 * What every operation can answer: 400 (an unknown query parameter, KnownQueryInterceptor), 401
 * and 403 (the API key guard). Every error is written by ProblemFilter, so every error response
 * is published as the one Problem component, however a controller declared it.
 */
export function addCommonProblems(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (!operation) continue;
      for (const status of [400, 401, 403]) operation.responses[String(status)] ??= { description: '' };
      for (const [status, response] of Object.entries(operation.responses as Record<string, ResponseObject>)) {
        if (Number(status) < 400) continue;
        const problem = problemResponse(Number(status));
        operation.responses[status] = { ...response, description: response.description || problem.description, content: problem.content };
      }
    }
  }
}
