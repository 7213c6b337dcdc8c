import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { ApiError, ErrorDetail } from './api-error';

/** Any body deeper than this is refused before class-transformer's recursive walk can overflow the stack. */
export const MAX_BODY_DEPTH = 64;

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      details.push({ field, message: message.replace(/^property (\S+) should not exist$/, 'unknown field $1 is not allowed') });
    }
    details.push(...flatten(error.children ?? [], field));
  }
  return details;
}

export function validationFailed(details: ErrorDetail[]): ApiError {
  const summary = details.map((d) => d.message).join('; ');
  return new ApiError(400, 'invalid_request', `Request validation failed: ${summary}`, details);
}

/** Path of the first value nested deeper than `limit`, or undefined. Iterative: deep input cannot overflow it. */
export function findTooDeep(root: unknown, limit: number, rootPath = ''): string | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: root, depth: 0, path: rootPath }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return path;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` }));
    } else {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
  return undefined;
}

type Constructor = new (...args: never[]) => unknown;

const shallowCache = new WeakMap<Constructor, boolean>();

/** True when no property of the DTO validates nested content, so only top-level values matter. */
function validatesShallowly(metatype: Constructor): boolean {
  const cached = shallowCache.get(metatype);
  if (cached !== undefined) return cached;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
  const shallow = !metadata.some((m) => m.type === ValidationTypes.NESTED_VALIDATION);
  shallowCache.set(metatype, shallow);
  return shallow;
}

/**
 * A stand-in with every top-level object or array emptied (same kind, so IsObject/IsArray/IsDefined
 * judge it the same). class-transformer would otherwise deep-copy free-form payloads such as
 * `events` (tens of thousands of objects) only for the validator to ignore their content.
 */
function shallowStandIn(body: Record<string, unknown>): Record<string, unknown> {
  const standIn: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    standIn[key] = Array.isArray(value) ? [] : typeof value === 'object' && value !== null ? {} : value;
  }
  return standIn;
}

/**
 * The global ValidationPipe (whitelist, unknown fields rejected), answering with the error
 * envelope and naming each offending field. Bodies must be JSON objects and not absurdly deep.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw validationFailed([{ message: 'request body must be a JSON object' }]);
      }
      const deep = findTooDeep(value, MAX_BODY_DEPTH);
      if (deep !== undefined) {
        throw validationFailed([{ field: deep, message: `${deep} is nested more than ${MAX_BODY_DEPTH} levels deep` }]);
      }
      const metatype = metadata.metatype as Constructor | undefined;
      if (metatype && this.toValidate(metadata) && validatesShallowly(metatype)) {
        // transform: false, so the pipe's result is discarded and the original body goes on.
        await super.transform(shallowStandIn(value as Record<string, unknown>), metadata);
        return value;
      }
    }
    return super.transform(value, metadata);
  }
}
