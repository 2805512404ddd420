import { Controller, DynamicModule, Get, Header, Inject, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** Injection token of the service's root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** Injection token of the service's prom-client registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  /** The exposition format's own content type: Prometheus 3 refuses to scrape text/html. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(@Res({ passthrough: true }) response: Response): Promise<string> {
    response.setHeader('Content-Type', this.registry.contentType);
    return this.registry.metrics();
  }
}

/** Provides the root logger and metrics registry to every module, and serves `/metrics`. */
@Module({})
export class TelemetryModule {
  static forRoot(root: { logger: Logger; registry: Registry }): DynamicModule {
    return {
      module: TelemetryModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: ROOT_LOGGER, useValue: root.logger },
        { provide: METRICS_REGISTRY, useValue: root.registry },
      ],
      exports: [ROOT_LOGGER, METRICS_REGISTRY],
    };
  }
}
