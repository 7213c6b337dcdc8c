import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { ApiError } from './api-error';
import { findTooDeep, RequestValidationPipe } from './validation';

class FreeFormDto {
  @IsObject() payload: Record<string, unknown>;
  @IsOptional() @IsString() note?: string;
}

class InnerDto {
  @IsInt() count: number;
}

class NestedDto {
  @ValidateNested() @Type(() => InnerDto) inner: InnerDto;
}

const pipe = new RequestValidationPipe();
const body = (metatype: new () => unknown) => ({ type: 'body' as const, metatype });

async function rejection(value: unknown, metatype: new () => unknown): Promise<ApiError> {
  try {
    await pipe.transform(value, body(metatype));
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('RequestValidationPipe', () => {
  it('returns the original body untouched (no copy of free-form payloads)', async () => {
    const value = { payload: { deep: { list: [1, 2, 3] } }, note: 'x' };
    await expect(pipe.transform(value, body(FreeFormDto))).resolves.toBe(value);
  });

  it('still judges top-level types and unknown fields', async () => {
    expect((await rejection({ payload: [1] }, FreeFormDto)).details).toEqual([expect.objectContaining({ field: 'payload' })]);
    const unknown = await rejection({ payload: {}, extra: 1 }, FreeFormDto);
    expect(unknown.details).toEqual([{ field: 'extra', message: 'unknown field extra is not allowed' }]);
    expect((await rejection({ payload: {}, note: 5 }, FreeFormDto)).details[0].field).toBe('note');
  });

  it('validates nested content fully when the DTO asks for it', async () => {
    const error = await rejection({ inner: { count: 'many' } }, NestedDto);
    expect(error.details).toEqual([expect.objectContaining({ field: 'inner.count' })]);
    await expect(pipe.transform({ inner: { count: 2 } }, body(NestedDto))).resolves.toEqual({ inner: { count: 2 } });
  });

  it('refuses bodies that are not objects, and absurd nesting, naming where', async () => {
    expect((await rejection([1], FreeFormDto)).message).toContain('JSON object');
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect((await rejection({ payload: deep }, FreeFormDto)).details[0].field).toMatch(/^payload(\.d)+$/);
  });
});

describe('findTooDeep', () => {
  it('finds the first path deeper than the limit, iteratively', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findTooDeep(deep, 3)).toBe('[0][0][0][0]');
    expect(findTooDeep({ a: { b: 1 } }, 3)).toBeUndefined();
  });
});
