import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/** `GET /dev/api/traces?limit=&lookups=` */
export class RecentTracesQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** `true` lists the traces of read-only lookups too (a run's state, a gate verdict, …). */
  @IsOptional()
  @IsIn(['true', 'false'])
  lookups?: 'true' | 'false';
}
