import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';

import { RecogniseErrorFilter } from './recognise-error.filter';
import { RecogniseService, type RecogniseResponse } from './recognise.service';

/**
 * `POST /recognise`: the body is a JPEG, PNG or WEBP photo (raw, or the `image` field of a
 * multipart form); the answer is the embedding of its one face.
 */
@Controller('recognise')
@UseFilters(RecogniseErrorFilter)
export class RecogniseController {
  constructor(private readonly recognise: RecogniseService) {}

  @Post()
  @HttpCode(200)
  embed(@Req() request: Request): Promise<RecogniseResponse> {
    return this.recognise.recognise(request);
  }
}
