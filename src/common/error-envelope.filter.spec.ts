import { BadRequestException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ApiError } from './api-error';
import { ErrorEnvelopeFilter } from './error-envelope.filter';

describe('ErrorEnvelopeFilter.describe', () => {
  const filter = new ErrorEnvelopeFilter();

  it('passes an ApiError through with its code and details', () => {
    const error = new ApiError(402, 'insufficient_credits', 'Not enough credits.', [{ message: 'm', required: 15 }]);
    expect(filter.describe(error)).toEqual({ status: 402, code: 'insufficient_credits', message: 'Not enough credits.', details: [{ message: 'm', required: 15 }] });
  });

  it('maps body-parser errors by type: too large is 413, bad charset is 415', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, limit: 4096 });
    expect(filter.describe(tooLarge)).toEqual(expect.objectContaining({ status: 413, code: 'payload_too_large', message: 'Request body exceeds the limit of 4096 bytes.' }));
    const charset = Object.assign(new Error('unsupported charset "KOI8-R"'), { type: 'charset.unsupported', status: 415 });
    expect(filter.describe(charset)).toEqual(expect.objectContaining({ status: 415, code: 'unsupported_media_type' }));
  });

  it('answers a body that does not decompress (body-parser 400 without a type) with a 400 naming the encoding', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3, status: 400, statusCode: 400, expose: true });
    expect(filter.describe(zlib)).toEqual({
      status: 400,
      code: 'invalid_request',
      message: 'Request body could not be decompressed: it is not valid data for its Content-Encoding.',
      details: [],
    });
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET', status: 400, expose: true });
    expect(filter.describe(reset)).toEqual(expect.objectContaining({ status: 400, message: 'Request body could not be read.' }));
  });

  it('answers unknown errors with a generic 500 that leaks nothing', () => {
    const described = filter.describe(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(described).toEqual({ status: 500, code: 'internal_error', message: 'Internal error. Quote the request id when reporting it.', details: [] });
  });

  it('answers 503 (retryable) when the database is unreachable or busy', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(filter.describe(refused)).toEqual(expect.objectContaining({ status: 503, code: 'service_unavailable' }));
    const busy = Object.assign(new Error('QueryFailedError'), { driverError: { code: 'SQLITE_BUSY' } });
    expect(filter.describe(busy).status).toBe(503);
    expect(filter.describe(Object.assign(new Error('x'), { code: '23505' })).status).toBe(500);
  });

  it('normalises JSON syntax errors and keeps framework 4xx codes', () => {
    expect(filter.describe(new BadRequestException('Unexpected token } in JSON at position 10')).message).toBe('Request body is not valid JSON.');
    expect(filter.describe(new NotFoundException('Cannot GET /x'))).toEqual(expect.objectContaining({ status: 404, code: 'not_found' }));
  });

  it('turns a failed readiness report into details per check', () => {
    const report = { status: 'error', info: {}, error: { database: { status: 'down' } }, details: { database: { status: 'down' } } };
    expect(filter.describe(new ServiceUnavailableException(report))).toEqual({
      status: 503,
      code: 'service_unavailable',
      message: 'Service not ready.',
      details: [{ field: 'database', message: 'database is down', status: 'down' }],
    });
  });
});
