import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CreditsModule } from '../credits/credits.module';
import { LlmModule } from '../llm/llm.module';
import { AnalysisController } from './analysis.controller';
import { AnalysisService } from './analysis.service';
import { analysisEngineProvider } from './engine.provider';

@Module({
  imports: [AuthModule, CreditsModule, LlmModule],
  controllers: [AnalysisController],
  providers: [analysisEngineProvider, AnalysisService],
})
export class AnalysisModule {}
