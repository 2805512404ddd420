import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { MemberCache } from '../members/member.cache';

@Injectable()
export class MembersHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly members: MemberCache,
  ) {}

  /**
   * Up once the member set has been read at least once; a later failed refresh keeps the
   * last set in use and shows as `problem` in the details.
   */
  loaded(key: string) {
    const session = this.indicators.check(key);
    const state = this.members.state;
    const details = {
      matchable: state.matchable,
      skipped: state.skipped,
      loadedAt: state.loadedAt === null ? null : new Date(state.loadedAt).toISOString(),
      problem: state.problem?.outcome ?? null,
      message: state.problem?.message,
    };
    return state.loadedAt === null ? session.down(details) : session.up(details);
  }
}
