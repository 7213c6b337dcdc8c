import { Injectable, PipeTransform } from '@nestjs/common';
import { validationFailed } from '../common/validation';
import type { AnalysisRequestDto } from './analysis-request.dto';
import { checkEventsShape } from './events-shape';

/** Runs after the global ValidationPipe: `events` must actually hold events (see checkEventsShape). */
@Injectable()
export class EventsShapePipe implements PipeTransform<AnalysisRequestDto, AnalysisRequestDto> {
  transform(body: AnalysisRequestDto): AnalysisRequestDto {
    const problems = checkEventsShape(body.events);
    if (problems.length > 0) throw validationFailed(problems);
    return body;
  }
}
