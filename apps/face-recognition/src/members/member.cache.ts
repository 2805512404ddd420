import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import {
  classLogger,
  LogRateLimiter,
  METRICS_REGISTRY,
  ROOT_LOGGER,
  type Logger,
} from '@edgewatch/telemetry';
import { Counter, Gauge, type Registry } from 'prom-client';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';
import { FACE_MODEL_ID } from '../inference/face-model.constants';
import type { MatchableMember } from '../matching/face.matcher';

import { selectMatchableMembers, type SkippedMember } from './member.selection';
import type { MemberSkipReason } from './member.types';
import { isTableMissing, MembersRepository } from './members.repository';

export type MemberRefreshOutcome = 'loaded' | 'table_missing' | 'failed';

export interface MemberCacheState {
  /** Members matched against faces now. */
  matchable: number;
  skipped: Record<MemberSkipReason, number>;
  /** When the set was last read successfully, epoch ms; null before the first success. */
  loadedAt: number | null;
  /** The last refresh's problem, null after a success. */
  problem: { outcome: Exclude<MemberRefreshOutcome, 'loaded'>; message: string } | null;
}

/** Sample of member ids logged per skip reason. */
const LOGGED_IDS_PER_REASON = 10;

/**
 * The member set faces are matched against. Re-read every MEMBERS_REFRESH_MS and swapped
 * whole, so a frame is always matched against one consistent set; a failed refresh keeps
 * the last good set and retries on the next tick.
 */
@Injectable()
export class MemberCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly problemLog = new LogRateLimiter(60_000);
  private current: readonly MatchableMember[] = [];
  private lastSkipSummary = '';
  private stateValue: MemberCacheState = {
    matchable: 0,
    skipped: emptySkipCounts(),
    loadedAt: null,
    problem: null,
  };
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<MemberRefreshOutcome> | undefined;
  private closed = false;

  private readonly matchableGauge: Gauge;
  private readonly skippedGauge: Gauge<'reason'>;
  private readonly refreshes: Counter<'outcome'>;

  constructor(
    private readonly repository: MembersRepository,
    @Inject(FACE_RECOGNITION_CONFIG) private readonly config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = classLogger(root, MemberCache.name);
    this.matchableGauge = new Gauge({
      name: 'edgewatch_members_matchable',
      help: 'Members whose embeddings are compared with faces.',
      registers: [registry],
    });
    this.skippedGauge = new Gauge({
      name: 'edgewatch_members_skipped',
      help: 'Member rows not compared, by reason (not_ready, other_model, invalid_embedding, ...).',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.refreshes = new Counter({
      name: 'edgewatch_members_refresh_total',
      help: 'Reads of the member table, by outcome (loaded, table_missing, failed).',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.scheduleNext(0);
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  /** The current member set; replaced whole by each successful refresh. */
  members(): readonly MatchableMember[] {
    return this.current;
  }

  get state(): MemberCacheState {
    return this.stateValue;
  }

  /** Reads the table now; a refresh already running is joined, not doubled. */
  refresh(): Promise<MemberRefreshOutcome> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Stops the refresh timer and waits for a running refresh. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.refreshing?.catch(() => undefined);
  }

  private scheduleNext(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.scheduleNext(this.config.membersRefreshMs));
    }, delayMs);
    this.timer.unref();
  }

  private async load(): Promise<MemberRefreshOutcome> {
    const startedAt = Date.now();
    try {
      const scan = await this.repository.scanAll();
      const selection = selectMatchableMembers(scan.rows, FACE_MODEL_ID);

      this.current = selection.matchable;
      this.stateValue = {
        matchable: selection.matchable.length,
        skipped: countByReason(selection.skipped),
        loadedAt: Date.now(),
        problem: null,
      };
      this.updateGauges();
      this.refreshes.inc({ outcome: 'loaded' });
      this.logLoaded(selection.skipped, scan.truncated, Date.now() - startedAt);
      return 'loaded';
    } catch (error: unknown) {
      return this.onLoadFailed(error);
    }
  }

  private onLoadFailed(error: unknown): MemberRefreshOutcome {
    const table = this.repository.tableName;
    const endpoint = this.config.dynamo.endpoint;
    const outcome = isTableMissing(error) ? 'table_missing' : 'failed';
    const message =
      outcome === 'table_missing'
        ? `members table "${table}" does not exist at ${endpoint}; ` +
          'create it (enrol command or ensureMembersTable). ' +
          `Retrying every ${this.config.membersRefreshMs} ms`
        : `cannot read members table "${table}" at ${endpoint}: ` +
          (error instanceof Error ? error.message : String(error));
    this.stateValue = { ...this.stateValue, problem: { outcome, message } };
    this.refreshes.inc({ outcome });

    const suppressed = this.problemLog.take(outcome);
    if (suppressed !== null) {
      const err = outcome === 'failed' ? error : undefined;
      this.logger.error(
        { table, outcome, err, suppressed, keptMembers: this.current.length },
        message,
      );
    }
    return outcome;
  }

  private updateGauges(): void {
    this.matchableGauge.set(this.stateValue.matchable);
    for (const [reason, count] of Object.entries(this.stateValue.skipped)) {
      this.skippedGauge.set({ reason }, count);
    }
  }

  /** A line when the set changes, not one per refresh. */
  private logLoaded(
    skipped: readonly SkippedMember[],
    truncated: boolean,
    durationMs: number,
  ): void {
    const skippedByReason = sampleIdsByReason(skipped);
    const summary = JSON.stringify([this.stateValue.matchable, skippedByReason, truncated]);
    const changed = summary !== this.lastSkipSummary;
    this.lastSkipSummary = summary;

    const details = {
      table: this.repository.tableName,
      matchable: this.stateValue.matchable,
      skipped: this.stateValue.skipped,
      skippedMemberIds: skippedByReason,
      modelId: FACE_MODEL_ID,
      durationMs,
    };
    if (truncated) this.logger.error(details, 'members table holds more rows than are read');
    else if (changed) this.logger.info(details, 'member set loaded');
    else this.logger.debug(details, 'member set unchanged');
  }
}

function emptySkipCounts(): Record<MemberSkipReason, number> {
  return { malformed: 0, not_ready: 0, other_model: 0, no_embedding: 0, invalid_embedding: 0 };
}

function countByReason(skipped: readonly SkippedMember[]): Record<MemberSkipReason, number> {
  const counts = emptySkipCounts();
  for (const member of skipped) counts[member.reason] += 1;
  return counts;
}

function sampleIdsByReason(skipped: readonly SkippedMember[]): Record<string, string[]> {
  const sample: Record<string, string[]> = {};
  for (const member of skipped) {
    const ids = (sample[member.reason] ??= []);
    if (ids.length < LOGGED_IDS_PER_REASON) ids.push(member.memberId);
  }
  return sample;
}
