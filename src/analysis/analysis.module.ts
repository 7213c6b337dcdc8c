import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CreditsModule } from '../credits/credits.module';
import { LlmModule } from '../llm/llm.module';
import { AnalysisController } from './analysis.controller';
import { AnalysisService } from './analysis.service';
import { analysisEngineProvider } from './engine.provider';

@Module({})
export class AnalysisModule {
  /** `env` carries the LANTERN_LLM_* settings the narrator is built from. */
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: AnalysisModule,
      imports: [AuthModule, CreditsModule, LlmModule.forRoot({ env })],
      controllers: [AnalysisController],
      providers: [analysisEngineProvider, AnalysisService],
    };
  }
}
