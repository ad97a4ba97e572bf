import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { windowProblem } from '../parse-window';

/**
 * Query and path parameters of the metrics endpoints of the developer API (snake_case, like the
 * rest of its wire). Validated by the global `ValidationPipe`, so a bad value is a 400 naming it.
 */
export class TraceIdParam {
  @Matches(/^(?!0{32}$)[0-9a-f]{32}$/, {
    message: 'trace_id must be 32 lowercase hex digits, not all zeros (a W3C trace id, as in trace_id answers)',
  })
  trace_id!: string;
}

/** A window such as `30s`, `15m`, `2h` or `1d` (see `parseWindow`). */
function IsWindow(): PropertyDecorator {
  return ValidateBy({
    name: 'isWindow',
    validator: {
      validate: (value: unknown) => windowProblem(value) === null,
      defaultMessage: (args) => windowProblem(args?.value) ?? 'window is not valid',
    },
  });
}

export class WindowQuery {
  @IsOptional()
  @IsWindow()
  window?: string;
}

export class EventsQuery extends WindowQuery {
  /** Only events of this type in the list; empty or absent: every type. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  type?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  @Max(100_000)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page_size must be a whole number from 1 to 200' })
  @Min(1, { message: 'page_size must be a whole number from 1 to 200' })
  @Max(200, { message: 'page_size must be a whole number from 1 to 200' })
  page_size?: number;
}
